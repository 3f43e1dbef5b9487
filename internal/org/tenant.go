package org

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// NewTenant is what a sign-up or the demo loader provides.
type NewTenant struct {
	Company  string
	Name     string // the first admin's name
	Email    string
	Password string
	Demo     bool
}

// Founded is a new tenant with its built-in roles, top department and admin.
type Founded struct {
	Tenant *Tenant
	Roles  map[string]*Role // by built-in key
	Root   *Department
	Admin  *User
}

// CreateTenant creates a tenant, its built-in roles, a top-level department
// named after the company and its first admin, all in one transaction. The
// admin becomes the principal of the returned context, so the audit trail
// names who founded the tenant.
func (s *Service) CreateTenant(ctx context.Context, in NewTenant) (context.Context, *Founded, error) {
	if err := auth.CheckPassword(in.Password); err != nil {
		return ctx, nil, apperr.Invalid("body.password", "%s", err)
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return ctx, nil, err
	}
	now := time.Now().UTC()
	f := &Founded{Roles: map[string]*Role{}}
	f.Tenant = &Tenant{ID: ids.New(), Name: strings.TrimSpace(in.Company), Demo: in.Demo, CreatedAt: now, UpdatedAt: now, Version: 1}
	for _, b := range auth.BuiltinRoles {
		key := b.Key
		f.Roles[b.Key] = &Role{ID: ids.New(), TenantID: f.Tenant.ID, Key: &key, Name: b.Name, Builtin: true,
			Permissions: b.Permissions, DataScope: b.Scope, CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	rootID := ids.New()
	f.Root = &Department{ID: rootID, TenantID: f.Tenant.ID, Path: db.TreePath("", rootID), Name: f.Tenant.Name,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	f.Admin = &User{ID: ids.New(), TenantID: f.Tenant.ID, Email: normEmail(in.Email), Name: strings.TrimSpace(in.Name),
		PasswordHash: hash, DepartmentID: &rootID, RoleID: f.Roles["admin"].ID, Status: StatusActive,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	f.Root.ManagerID = &f.Admin.ID
	actx := auth.With(ctx, PrincipalOf(f.Tenant, f.Admin, f.Roles["admin"]))
	err = s.DB.InTx(actx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(f.Tenant).Exec(ctx); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Create, "tenant", f.Tenant.ID, audit.Diff(nil, f.Tenant)); err != nil {
			return err
		}
		for _, b := range auth.BuiltinRoles {
			if _, err := tx.NewInsert().Model(f.Roles[b.Key]).Exec(ctx); err != nil {
				return err
			}
		}
		if _, err := tx.NewInsert().Model(f.Root).Exec(ctx); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Create, "department", rootID, audit.Diff(nil, f.Root)); err != nil {
			return err
		}
		if err := s.insertUser(ctx, tx, f.Admin); err != nil {
			return err
		}
		for _, hook := range s.OnTenantCreated {
			if err := hook(ctx, tx, f.Tenant.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ctx, nil, err
	}
	return actx, f, nil
}

// PrincipalOf builds the principal of a user for work done outside a
// request (sign-up, demo loading, the admin command).
func PrincipalOf(t *Tenant, u *User, r *Role) *auth.Principal {
	perms := map[string]bool{}
	for _, p := range r.Permissions {
		perms[p] = true
	}
	dept := ""
	if u.DepartmentID != nil {
		dept = *u.DepartmentID
	}
	key := ""
	if r.Key != nil {
		key = *r.Key
	}
	return &auth.Principal{TenantID: t.ID, TenantName: t.Name, UserID: u.ID, UserName: u.Name, Email: u.Email,
		DepartmentID: dept, RoleID: r.ID, RoleKey: key, RoleName: r.Name, Perms: perms, Scope: r.DataScope}
}

// SystemContext returns ctx acting as the system within a tenant chosen by
// name ("" picks the only tenant), for administration from the command line.
// The audit trail names the actor "system".
func (s *Service) SystemContext(ctx context.Context, tenantName string) (context.Context, *Tenant, error) {
	var ts []Tenant
	q := s.DB.Read.NewSelect().Model(&ts).OrderExpr("created_at ASC").Limit(2)
	if tenantName != "" {
		q = q.Where("name = ?", tenantName)
	}
	if err := q.Scan(ctx); err != nil {
		return ctx, nil, err
	}
	switch {
	case len(ts) == 0:
		return ctx, nil, apperr.NotFound("tenant")
	case len(ts) > 1:
		return ctx, nil, apperr.Invalid("tenant", "several tenants exist; name one")
	}
	perms := map[string]bool{}
	for _, p := range auth.Permissions {
		perms[p] = true
	}
	p := &auth.Principal{TenantID: ts[0].ID, TenantName: ts[0].Name, UserID: "system", UserName: "system",
		Perms: perms, Scope: auth.ScopeAll}
	return auth.With(ctx, p), &ts[0], nil
}

// RoleByKey finds a built-in role of the caller's tenant.
func (s *Service) RoleByKey(ctx context.Context, key string) (*Role, error) {
	var r Role
	err := s.DB.R(ctx).NewSelect().Model(&r).Where("tenant_id = ? AND key = ?", auth.From(ctx).TenantID, key).Scan(ctx)
	return &r, db.NotFound(err, "role "+key)
}
