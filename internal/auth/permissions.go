package auth

import (
	"slices"
	"strings"
)

// Permissions is the catalog of every permission a role may hold. Features add
// theirs here so roles can name them before the feature's routes exist.
var Permissions = []string{
	"user.read", "user.write",
	"department.read", "department.write",
	"role.read", "role.write",
	"token.manage",
	"audit.read",
	"lead.read", "lead.write", "lead.assign", "lead.export",
	"pool.manage", "assignment.manage", "region.write",
	"customer.read", "customer.write", "customer.export",
	"activity.read", "activity.write",
	"deal.read", "deal.write", "pipeline.manage",
	"contract.read", "contract.write", "contract.approve",
	"billing.read", "billing.write",
	"target.read", "target.write",
	"analytics.read",
	"webform.manage", "scoring.manage",
}

// KnownPermission reports whether p is in the catalog.
func KnownPermission(p string) bool { return slices.Contains(Permissions, p) }

// PermissionGroup is the part of a permission before the dot.
func PermissionGroup(p string) string {
	g, _, _ := strings.Cut(p, ".")
	return g
}

// Data scopes: which records of the tenant a role sees.
const (
	ScopeOwn        = "own"        // records I own
	ScopeDepartment = "department" // my department and its sub-departments
	ScopeAll        = "all"        // the whole tenant
)

// ValidScope reports whether s is a data scope.
func ValidScope(s string) bool {
	return s == ScopeOwn || s == ScopeDepartment || s == ScopeAll
}

// BuiltinRole is one of the roles every tenant starts with.
type BuiltinRole struct {
	Key         string
	Name        string
	Permissions []string
	Scope       string
}

var business = []string{
	"lead.read", "lead.write", "lead.assign", "lead.export", "customer.read", "customer.write", "customer.export",
	"activity.read", "activity.write",
	"deal.read", "deal.write", "contract.read", "contract.write",
	"billing.read", "target.read", "analytics.read",
}

// BuiltinRoles lists the built-in roles in display order.
var BuiltinRoles = []BuiltinRole{
	{Key: "admin", Name: "系统管理员", Permissions: Permissions, Scope: ScopeAll},
	{Key: "director", Name: "销售总监", Scope: ScopeAll, Permissions: append(slices.Clone(business),
		"pool.manage", "assignment.manage", "region.write", "pipeline.manage", "contract.approve", "target.write", "user.read", "department.read", "role.read", "audit.read", "token.manage",
		"webform.manage", "scoring.manage")},
	{Key: "manager", Name: "销售经理", Scope: ScopeDepartment, Permissions: append(slices.Clone(business),
		"pool.manage", "contract.approve", "target.write", "user.read", "department.read", "token.manage")},
	{Key: "rep", Name: "销售代表", Scope: ScopeOwn, Permissions: []string{
		"lead.read", "lead.write", "customer.read", "customer.write", "activity.read", "activity.write", "deal.read", "deal.write",
		"contract.read", "contract.write", "billing.read", "target.read", "analytics.read",
		"user.read", "department.read", "token.manage"}},
	{Key: "finance", Name: "财务", Scope: ScopeAll, Permissions: []string{
		"customer.read", "activity.read", "contract.read", "billing.read", "billing.write", "target.read",
		"analytics.read", "user.read", "department.read", "token.manage"}},
	{Key: "viewer", Name: "只读用户", Scope: ScopeDepartment, Permissions: []string{
		"lead.read", "customer.read", "activity.read", "deal.read", "contract.read", "billing.read",
		"target.read", "analytics.read", "user.read", "department.read"}},
}
