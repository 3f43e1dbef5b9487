// Package demo loads the demo tenant: a company with two sales regions, four
// teams and people in every built-in role, so a new user sees a living CRM.
package demo

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/deal"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Password is every demo user's password (shown on the login page in demo mode only).
const Password = "rudder-demo"

// Company is the demo tenant's name.
const Company = "锦程智能科技有限公司"

// Login is one demo account.
type Login struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role" doc:"Built-in role key."`
	Team  string `json:"team,omitempty"`
}

type team struct {
	region, name, key string
	manager           string
	reps              [3]string
}

var teams = []team{
	{"华东大区", "上海一组", "east1", "王磊", [3]string{"李娜", "张伟", "刘洋"}},
	{"华东大区", "杭州二组", "east2", "孙丽", [3]string{"杨帆", "黄静", "徐浩"}},
	{"华南大区", "广州一组", "south1", "何俊", [3]string{"梁晓彤", "罗志勇", "谢婷"}},
	{"华南大区", "深圳二组", "south2", "邓超群", [3]string{"许文杰", "冯佳怡", "曾凡"}},
}

// Logins lists the demo accounts in display order.
func Logins() []Login {
	out := []Login{
		{Email: "admin@demo.local", Name: "周建国", Role: "admin"},
		{Email: "director@demo.local", Name: "陈志远", Role: "director"},
		{Email: "finance@demo.local", Name: "林晓燕", Role: "finance"},
	}
	for _, t := range teams {
		out = append(out, Login{Email: t.key + ".manager@demo.local", Name: t.manager, Role: "manager", Team: t.region + "/" + t.name})
		for i, r := range t.reps {
			out = append(out, Login{Email: fmt.Sprintf("%s.rep%d@demo.local", t.key, i+1), Name: r, Role: "rep", Team: t.region + "/" + t.name})
		}
	}
	return out
}

// Ensure loads the demo tenant unless one exists, in one transaction, and
// reports whether it did.
func Ensure(ctx context.Context, d *db.DB) (bool, error) {
	n, err := d.Read.NewSelect().Table("tenants").Where("demo = ?", true).Count(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	// The audit trail names this load as the request that made the records.
	ctx = httpx.WithRequestID(ctx, "demo-load-"+httpx.NewRequestID())
	err = d.InTx(ctx, func(ctx context.Context, _ bun.Tx) error { return load(ctx, d) })
	return err == nil, err
}

func load(ctx context.Context, d *db.DB) error {
	// The same tenant hooks as api.TenantHooks (which imports this package).
	s := &org.Service{DB: d, OnTenantCreated: []func(context.Context, bun.IDB, string) error{deal.SeedDefaultPipeline}}
	logins := Logins()
	ctx, f, err := s.CreateTenant(ctx, org.NewTenant{Company: Company, Name: logins[0].Name, Email: logins[0].Email, Password: Password, Demo: true})
	if err != nil {
		return fmt.Errorf("demo tenant: %w", err)
	}
	root := f.Root.ID
	role := func(k string) string { return f.Roles[k].ID }
	director, err := s.CreateUser(ctx, org.UserInput{Email: logins[1].Email, Name: logins[1].Name, Password: Password,
		Phone: "13800000002", DepartmentID: &root, RoleID: role("director")})
	if err != nil {
		return err
	}
	finance, err := s.CreateDepartment(ctx, org.DepartmentInput{Name: "财务部", ParentID: &root})
	if err != nil {
		return err
	}
	if _, err := s.CreateUser(ctx, org.UserInput{Email: logins[2].Email, Name: logins[2].Name, Password: Password,
		Phone: "13800000003", DepartmentID: &finance.ID, RoleID: role("finance")}); err != nil {
		return err
	}
	regions := map[string]string{}
	phone := 10
	for _, t := range teams {
		if regions[t.region] == "" {
			r, err := s.CreateDepartment(ctx, org.DepartmentInput{Name: t.region, ParentID: &root, ManagerID: &director.ID})
			if err != nil {
				return err
			}
			regions[t.region] = r.ID
		}
		parent := regions[t.region]
		dept, err := s.CreateDepartment(ctx, org.DepartmentInput{Name: t.name, ParentID: &parent})
		if err != nil {
			return err
		}
		phone++
		mgr, err := s.CreateUser(ctx, org.UserInput{Email: t.key + ".manager@demo.local", Name: t.manager, Password: Password,
			Phone: fmt.Sprintf("139%08d", phone), DepartmentID: &dept.ID, RoleID: role("manager"), ManagerID: &director.ID})
		if err != nil {
			return err
		}
		if _, err := s.UpdateDepartment(ctx, dept.ID, dept.Version, org.DepartmentPatch{ManagerID: &mgr.ID}); err != nil {
			return err
		}
		for i, name := range t.reps {
			phone++
			if _, err := s.CreateUser(ctx, org.UserInput{Email: fmt.Sprintf("%s.rep%d@demo.local", t.key, i+1), Name: name,
				Password: Password, Phone: fmt.Sprintf("139%08d", phone), DepartmentID: &dept.ID, RoleID: role("rep"),
				ManagerID: &mgr.ID}); err != nil {
				return err
			}
		}
	}
	return nil
}
