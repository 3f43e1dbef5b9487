// Package auth holds who is calling (the Principal), what they may do
// (permissions) and what they may see (data scope), and password hashing.
// It is pure: the stores that resolve a Principal live in the session package.
package auth

import (
	"context"

	"github.com/uptrace/bun"
)

// Principal is the authenticated caller of one request.
type Principal struct {
	TenantID     string
	TenantName   string
	UserID       string
	UserName     string
	Email        string
	DepartmentID string
	RoleID       string
	RoleKey      string
	RoleName     string
	Perms        map[string]bool
	Scope        string
	// DeptPath is the materialized path of the caller's department; the
	// department scope covers every department whose path starts with it.
	DeptPath string
	// Credential identifies how the caller authenticated: "session" or "token",
	// and the hash of the credential used (for logout).
	Credential     string
	CredentialHash string
}

// Can reports whether the principal holds permission p.
func (p *Principal) Can(perm string) bool { return p != nil && p.Perms[perm] }

// Actor returns the name shown in audit entries.
func (p *Principal) Actor() (id, name string) { return p.UserID, p.UserName }

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal of ctx, or nil for an anonymous caller.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// ScopeSQL returns the WHERE fragment (with ? placeholders) and its
// arguments that limit a query to the tenant and to the caller's data scope.
// ownerCol and deptCol are the qualified columns holding a record's owner and
// department ("" where a table has none: that scope then falls back to the
// narrower rule). The text depends only on the scope kind, never on the
// caller, so prepared statements can be reused. Lists, gets, reports and
// exports all use it, so one rule decides what a caller sees; an unknown
// scope sees only what it owns.
func (p *Principal) ScopeSQL(tenantCol, ownerCol, deptCol string) (string, []any) {
	where, args := tenantCol+" = ?", []any{p.TenantID}
	switch {
	case p.Scope == ScopeAll:
		return where, args
	case p.Scope == ScopeDepartment && deptCol != "" && p.DeptPath != "":
		sub := deptCol + " IN (SELECT sd.id FROM departments sd WHERE sd.tenant_id = ? AND sd.path LIKE ?)"
		args = append(args, p.TenantID, p.DeptPath+"%")
		if ownerCol == "" {
			return where + " AND " + sub, args
		}
		return where + " AND (" + sub + " OR " + ownerCol + " = ?)", append(args, p.UserID)
	case ownerCol == "":
		return where + " AND 1 = 0", args
	}
	return where + " AND " + ownerCol + " = ?", append(args, p.UserID)
}

// Scoped adds ScopeSQL's filter to a bun query.
func (p *Principal) Scoped(q *bun.SelectQuery, tenantCol, ownerCol, deptCol string) *bun.SelectQuery {
	where, args := p.ScopeSQL(tenantCol, ownerCol, deptCol)
	return q.Where(where, args...)
}
