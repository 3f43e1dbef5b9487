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
	// DeptIDs is the caller's department and all below it (for ScopeDepartment).
	DeptIDs []string
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

// Scoped adds the tenant filter and the caller's data-scope filter to q.
// ownerCol and deptCol are the qualified columns holding a record's owner and
// department ("" where a table has no such column: then that scope sees only
// what the other column allows). Lists, gets, reports and exports all call this,
// so one rule decides what a caller sees.
func (p *Principal) Scoped(q *bun.SelectQuery, tenantCol, ownerCol, deptCol string) *bun.SelectQuery {
	q = q.Where("? = ?", bun.Ident(tenantCol), p.TenantID)
	switch p.Scope {
	case ScopeAll:
		return q
	case ScopeDepartment:
		if deptCol != "" && len(p.DeptIDs) > 0 {
			if ownerCol != "" {
				return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
					return q.Where("? IN (?)", bun.Ident(deptCol), bun.In(p.DeptIDs)).
						WhereOr("? = ?", bun.Ident(ownerCol), p.UserID)
				})
			}
			return q.Where("? IN (?)", bun.Ident(deptCol), bun.In(p.DeptIDs))
		}
	}
	if ownerCol == "" {
		return q.Where("1 = 0")
	}
	return q.Where("? = ?", bun.Ident(ownerCol), p.UserID)
}
