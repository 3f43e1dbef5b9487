package auth

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite"
)

func TestPermissionCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Permissions {
		if seen[p] {
			t.Errorf("permission %q listed twice", p)
		}
		seen[p] = true
		if !KnownPermission(p) {
			t.Errorf("KnownPermission(%q) = false", p)
		}
		g, action, ok := strings.Cut(p, ".")
		if !ok || g == "" || action == "" || PermissionGroup(p) != g {
			t.Errorf("permission %q is not group.action (group %q)", p, PermissionGroup(p))
		}
	}
	for _, p := range []string{"", "lead", "lead.", ".read", "lead.delete", "LEAD.READ", "lead.read ", "admin", "*"} {
		if KnownPermission(p) {
			t.Errorf("KnownPermission(%q) = true", p)
		}
	}
}

func TestValidScope(t *testing.T) {
	for _, s := range []string{ScopeOwn, ScopeDepartment, ScopeAll} {
		if !ValidScope(s) {
			t.Errorf("ValidScope(%q) = false", s)
		}
	}
	for _, s := range []string{"", "ALL", "tenant", "own ", "dept"} {
		if ValidScope(s) {
			t.Errorf("ValidScope(%q) = true", s)
		}
	}
}

func TestBuiltinRoles(t *testing.T) {
	want := []string{"admin", "director", "manager", "rep", "finance", "viewer"}
	var keys []string
	for _, r := range BuiltinRoles {
		keys = append(keys, r.Key)
		if r.Name == "" || !ValidScope(r.Scope) {
			t.Errorf("role %q: name %q scope %q", r.Key, r.Name, r.Scope)
		}
		seen := map[string]bool{}
		for _, p := range r.Permissions {
			if !KnownPermission(p) {
				t.Errorf("role %q holds unknown permission %q", r.Key, p)
			}
			if seen[p] {
				t.Errorf("role %q lists %q twice", r.Key, p)
			}
			seen[p] = true
		}
	}
	if !slices.Equal(keys, want) {
		t.Fatalf("built-in roles %q, want %q", keys, want)
	}
	admin := BuiltinRoles[0]
	if admin.Scope != ScopeAll {
		t.Errorf("admin scope %q", admin.Scope)
	}
	a := slices.Clone(admin.Permissions)
	c := slices.Clone(Permissions)
	sort.Strings(a)
	sort.Strings(c)
	if !slices.Equal(a, c) {
		t.Errorf("admin lacks some permissions: has %q", a)
	}
	// Spot checks of the intended split of duties.
	has := func(key, perm string) bool {
		for _, r := range BuiltinRoles {
			if r.Key == key {
				return slices.Contains(r.Permissions, perm)
			}
		}
		t.Fatalf("no role %q", key)
		return false
	}
	for _, c := range []struct {
		role, perm string
		want       bool
	}{
		{"rep", "contract.approve", false}, {"manager", "contract.approve", true}, {"finance", "billing.write", true},
		{"rep", "billing.write", false}, {"viewer", "lead.write", false}, {"viewer", "token.manage", false},
		{"director", "role.write", false}, {"rep", "user.write", false}, {"rep", "audit.read", false},
	} {
		if got := has(c.role, c.perm); got != c.want {
			t.Errorf("%s holds %s = %v, want %v", c.role, c.perm, got, c.want)
		}
	}
}

func TestPrincipalCan(t *testing.T) {
	var nobody *Principal
	if nobody.Can("lead.read") {
		t.Error("nil principal can")
	}
	if (&Principal{}).Can("lead.read") {
		t.Error("principal without permissions can")
	}
	p := &Principal{Perms: map[string]bool{"lead.read": true, "lead.write": false}}
	if !p.Can("lead.read") || p.Can("lead.write") || p.Can("lead.assign") || p.Can("") {
		t.Error("Can does not follow Perms")
	}
	ctx := With(context.Background(), p)
	if From(ctx) != p || From(context.Background()) != nil {
		t.Error("With/From")
	}
	if id, name := (&Principal{UserID: "u1", UserName: "张三"}).Actor(); id != "u1" || name != "张三" {
		t.Errorf("Actor = %q %q", id, name)
	}
}

// scopedDB is an in-memory SQLite database holding records of two tenants.
func scopedDB(t *testing.T) *bun.DB {
	t.Helper()
	sqldb, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	sqldb.SetMaxOpenConns(1)
	b := bun.NewDB(sqldb, sqlitedialect.New())
	t.Cleanup(func() { b.Close() })
	ctx := context.Background()
	if _, err := b.ExecContext(ctx, `CREATE TABLE leads (id TEXT PRIMARY KEY, tenant_id TEXT, owner_id TEXT, department_id TEXT)`); err != nil {
		t.Fatal(err)
	}
	// d1 has a child d2 in both tenants; d9 is elsewhere.
	if _, err := b.ExecContext(ctx, `CREATE TABLE departments (id TEXT, tenant_id TEXT, path TEXT);
		INSERT INTO departments VALUES ('d1', 't1', '/d1/'), ('d2', 't1', '/d1/d2/'), ('d9', 't1', '/d9/'),
			('d1', 't2', '/d1/'), ('d2', 't2', '/d1/d2/')`); err != nil {
		t.Fatal(err)
	}
	rows := [][4]string{
		// id, tenant, owner, department
		{"a-mine-d1", "t1", "u1", "d1"},
		{"a-other-d1", "t1", "u2", "d1"},
		{"a-other-d2", "t1", "u3", "d2"},
		{"a-other-d9", "t1", "u4", "d9"},
		{"a-mine-d9", "t1", "u1", "d9"},
		{"b-u1-d1", "t2", "u1", "d1"}, // same ids in another tenant: never visible
		{"b-u2-d2", "t2", "u2", "d2"},
	}
	for _, r := range rows {
		if _, err := b.ExecContext(ctx, "INSERT INTO leads VALUES (?, ?, ?, ?)", r[0], r[1], r[2], r[3]); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestScoped(t *testing.T) {
	b := scopedDB(t)
	ctx := context.Background()
	base := func(p *Principal, owner, dept string) *bun.SelectQuery {
		return p.Scoped(b.NewSelect().TableExpr("leads AS l").Column("l.id").Order("l.id"), "l.tenant_id", owner, dept)
	}
	principal := func(scope, path string) *Principal {
		return &Principal{TenantID: "t1", UserID: "u1", DepartmentID: "d1", Scope: scope, DeptPath: path}
	}
	cases := []struct {
		name       string
		p          *Principal
		owner      string
		dept       string
		sqlHas     []string
		sqlHasNot  []string
		wantRowIDs []string
	}{
		{"all", principal(ScopeAll, "/d1/"), "l.owner_id", "l.department_id",
			[]string{`l.tenant_id = 't1'`}, []string{"owner_id =", "department_id IN", "1 = 0"},
			[]string{"a-mine-d1", "a-mine-d9", "a-other-d1", "a-other-d2", "a-other-d9"}},
		{"own", principal(ScopeOwn, "/d1/"), "l.owner_id", "l.department_id",
			[]string{`l.tenant_id = 't1'`, `l.owner_id = 'u1'`}, []string{"IN (", "1 = 0"},
			[]string{"a-mine-d1", "a-mine-d9"}},
		{"own, no owner column", principal(ScopeOwn, "/d1/"), "", "l.department_id",
			[]string{`l.tenant_id = 't1'`, "1 = 0"}, []string{"owner_id"},
			nil},
		{"department", principal(ScopeDepartment, "/d1/"), "l.owner_id", "l.department_id",
			[]string{`l.tenant_id = 't1'`, `l.department_id IN (SELECT sd.id FROM departments sd WHERE sd.tenant_id = 't1' AND sd.path LIKE '/d1/%') OR l.owner_id = 'u1'`}, []string{"1 = 0"},
			[]string{"a-mine-d1", "a-mine-d9", "a-other-d1", "a-other-d2"}},
		{"department, no owner column", principal(ScopeDepartment, "/d1/d2/"), "", "l.department_id",
			[]string{`l.tenant_id = 't1'`, `l.department_id IN (SELECT`}, []string{"owner_id", "1 = 0"},
			[]string{"a-other-d2"}},
		{"department, no department column", principal(ScopeDepartment, "/d1/d2/"), "l.owner_id", "",
			[]string{`l.tenant_id = 't1'`, `l.owner_id = 'u1'`}, []string{"IN ("},
			[]string{"a-mine-d1", "a-mine-d9"}},
		{"department, no departments", principal(ScopeDepartment, ""), "l.owner_id", "l.department_id",
			[]string{`l.tenant_id = 't1'`, `l.owner_id = 'u1'`}, []string{"IN ("},
			[]string{"a-mine-d1", "a-mine-d9"}},
		{"department, no columns", principal(ScopeDepartment, "/d1/d2/"), "", "",
			[]string{`l.tenant_id = 't1'`, "1 = 0"}, nil, nil},
		{"unknown scope fails closed", principal("everything", "/d1/"), "l.owner_id", "l.department_id",
			[]string{`l.tenant_id = 't1'`, `l.owner_id = 'u1'`}, nil,
			[]string{"a-mine-d1", "a-mine-d9"}},
		{"empty scope fails closed", principal("", "/d1/"), "", "l.department_id",
			[]string{"1 = 0"}, nil, nil},
		{"quotes are escaped", &Principal{TenantID: "t1' OR '1'='1", UserID: "u1", Scope: ScopeAll}, "l.owner_id", "",
			[]string{`'t1'' OR ''1''=''1'`}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := base(c.p, c.owner, c.dept)
			s := q.String()
			for _, want := range c.sqlHas {
				if !strings.Contains(s, want) {
					t.Errorf("SQL lacks %s:\n%s", want, s)
				}
			}
			for _, not := range c.sqlHasNot {
				if strings.Contains(s, not) {
					t.Errorf("SQL has %s:\n%s", not, s)
				}
			}
			var ids []string
			if err := q.Scan(ctx, &ids); err != nil {
				t.Fatalf("%v\n%s", err, s)
			}
			if !slices.Equal(ids, c.wantRowIDs) {
				t.Errorf("rows %q, want %q\n%s", ids, c.wantRowIDs, s)
			}
		})
	}
}

// Scope filters added after other conditions still keep the tenant filter
// binding: an OR in the scope must not escape the tenant.
func TestScopedComposesWithOtherFilters(t *testing.T) {
	b := scopedDB(t)
	p := &Principal{TenantID: "t2", UserID: "u1", Scope: ScopeDepartment, DeptPath: "/d1/d2/"}
	q := b.NewSelect().TableExpr("leads AS l").Column("l.id").Where("l.id <> ?", "zzz").Order("l.id")
	q = p.Scoped(q, "l.tenant_id", "l.owner_id", "l.department_id").Where("l.id LIKE ?", "b-%")
	var ids []string
	if err := q.Scan(context.Background(), &ids); err != nil {
		t.Fatal(err)
	}
	if want := []string{"b-u1-d1", "b-u2-d2"}; !slices.Equal(ids, want) {
		t.Fatalf("rows %q, want %q\n%s", ids, want, q.String())
	}
}
