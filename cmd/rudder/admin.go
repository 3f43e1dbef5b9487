package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/rudder-crm/rudder/internal/api"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/config"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// admin handles `rudder admin create-user`: the way in when nobody can sign
// in (a fresh server with sign-up off, or a lost admin password).
func admin(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) == 0 || args[0] != "create-user" {
		return errors.New("usage: rudder admin create-user --email E --name N --password P [--role admin] [--tenant NAME] [--company NAME]")
	}
	fs := flag.NewFlagSet("admin create-user", flag.ExitOnError)
	cfg.DatabaseFlags(fs)
	email := fs.String("email", "", "the user's email (their login)")
	name := fs.String("name", "", "the user's name")
	password := fs.String("password", "", "at least 10 characters, not a common one")
	role := fs.String("role", "admin", "built-in role key: admin, director, manager, rep, finance, viewer")
	tenant := fs.String("tenant", "", "tenant name; may be omitted when there is only one")
	company := fs.String("company", "", "create a new tenant of this name, with the user as its admin")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" || *password == "" {
		return errors.New("--email, --name and --password are required")
	}
	d, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	s := &org.Service{DB: d, OnTenantCreated: api.TenantHooks}
	ctx = httpx.WithRequestID(ctx, "cli-"+httpx.NewRequestID())
	if *company != "" {
		_, f, err := s.CreateTenant(ctx, org.NewTenant{Company: *company, Name: *name, Email: *email, Password: *password})
		if err != nil {
			return explain(err)
		}
		fmt.Printf("created tenant %q and its admin %s\n", f.Tenant.Name, f.Admin.Email)
		return nil
	}
	sctx, t, err := s.SystemContext(ctx, *tenant)
	if err != nil {
		return explain(err)
	}
	r, err := s.RoleByKey(sctx, *role)
	if err != nil {
		return explain(err)
	}
	u, err := s.CreateUser(sctx, org.UserInput{Email: *email, Name: *name, Password: *password, RoleID: r.ID})
	if err != nil {
		return explain(err)
	}
	fmt.Printf("created %s (%s) in tenant %q\n", u.Email, r.Name, t.Name)
	return nil
}

// explain turns a domain error into a plain sentence for the terminal.
func explain(err error) error {
	if e, ok := apperr.As(err); ok {
		if e.Kind == apperr.KindNotFound && e.Message == "tenant not found" {
			return errors.New("no tenant yet: pass --company NAME to create one")
		}
		return errors.New(e.Error())
	}
	return err
}
