package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// operations lists every operation of the API document.
func operations(api huma.API) []*huma.Operation {
	var ops []*huma.Operation
	for _, item := range api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil {
				ops = append(ops, op)
			}
		}
	}
	return ops
}

// TestOpenAPICoversEveryRoute fails when a route under /api/v1 is served
// but missing from the OpenAPI document, or an operation lacks an access rule.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	e := apitest.Start(t, openSQLite(t))
	documented := map[string]bool{}
	for _, op := range operations(e.Server.API) {
		documented[op.Method+" "+op.Path] = true
		if _, ok := httpx.AccessOf(op); !ok {
			t.Errorf("%s %s has no access rule", op.Method, op.Path)
		}
	}
	served := 0
	for _, p := range e.Server.Patterns {
		method, path, _ := strings.Cut(p, " ")
		if !strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/api/v1/openapi") || strings.HasPrefix(path, "/api/v1/schemas") {
			continue
		}
		served++
		if !documented[method+" "+path] {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}
	if served < 20 {
		t.Fatalf("only %d API routes seen; the recorder is broken", served)
	}
	doc := e.Anon().Do("GET", "/api/v1/openapi.json", nil).Want(200).Map()
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	if n := len(doc["paths"].(map[string]any)); n < 12 {
		t.Fatalf("served document has %d paths", n)
	}
}

// caller is one identity the matrix tries.
type caller struct {
	name   string
	client *apitest.Client
	perms  map[string]bool
	self   string
	other  bool // of another tenant
}

// TestAuthorizationMatrix walks every operation with every built-in role, an
// anonymous caller and an admin of another tenant. Each answer must be what
// that caller may see; and no refused call may change anything.
func TestAuthorizationMatrix(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		fx := fixtures(t, e, admin)
		before := auditCount(t, e)

		for _, op := range operations(e.Server.API) {
			access, _ := httpx.AccessOf(op)
			if access.Public {
				continue // sign-in, sign-up and config: covered by their own tests
			}
			for _, c := range fx.callers {
				if op.Path == "/api/v1/sessions/current" && c.client.Token != "" {
					continue // signing out would end the caller; TestSignInMeAndSignOut covers it
				}
				if op.Method == http.MethodDelete && op.Path == "/api/v1/tokens/{id}" && c.name == "admin" {
					continue // the owner's revocation is allowed; TestTokens covers it
				}
				path, target := fx.fill(op.Path)
				got := c.client.Do(op.Method, path, bodyFor(op), "If-Match", `"999999"`)
				want := fx.expect(op, access, c, target)
				if !slices.Contains(want, got.Status) {
					t.Errorf("%s %s as %s: %d, want %v: %.200s", op.Method, path, c.name, got.Status, want, got.Body)
					continue
				}
				if got.Status == 200 {
					fx.checkNoLeak(t, op, c, got)
				}
			}
		}
		if after := auditCount(t, e); after != before {
			t.Fatalf("the matrix changed data: %d audit entries before, %d after", before, after)
		}
	})
}

type matrixFixture struct {
	callers []caller
	// ids of tenant A objects each {id} route is tried with
	targets map[string]string
	// targetVisible says which callers may see each target
	visible map[string]func(c caller) bool
	// deleteWant is what an allowed caller gets for DELETE of a target:
	// refused for the target's state (409), or for the stale If-Match the
	// matrix sends (412, resources whose deletes take If-Match).
	deleteWant map[string]int
	idsA       []string // every id of tenant A the matrix knows
	idsB       []string
	ownIDs     map[string][]string // per caller: ids of users in their scope
}

func fixtures(t *testing.T, e *apitest.Env, admin *apitest.Client) *matrixFixture {
	fx := &matrixFixture{targets: map[string]string{}, visible: map[string]func(caller) bool{}, ownIDs: map[string][]string{},
		deleteWant: map[string]int{}}
	// A viewer in 上海一组, and a custom role someone holds (so it cannot be deleted).
	var deps struct{ Items []map[string]any }
	admin.Do("GET", "/api/v1/departments", nil).Want(200).JSON(&deps)
	dept := map[string]string{}
	for _, d := range deps.Items {
		dept[d["name"].(string)] = d["id"].(string)
		fx.idsA = append(fx.idsA, d["id"].(string))
	}
	custom := admin.Do("POST", "/api/v1/roles", map[string]any{"name": "大客户专员", "permissions": []string{"user.read"}, "data_scope": "own"}).Want(201).Map()
	createUser(t, admin, map[string]any{"email": "viewer@demo.local", "name": "观察员", "password": "viewer password 1",
		"department_id": dept["上海一组"], "role_id": roleID(t, admin, "viewer")})
	createUser(t, admin, map[string]any{"email": "custom@demo.local", "name": "专员", "password": "custom password 1",
		"department_id": dept["杭州二组"], "role_id": custom["id"]})
	tok := admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "matrix"}).Want(201).Map()

	var users struct{ Items []map[string]any }
	admin.Do("GET", "/api/v1/users?limit=100", nil).Want(200).JSON(&users)
	byEmail := map[string]map[string]any{}
	for _, u := range users.Items {
		byEmail[u["email"].(string)] = u
		fx.idsA = append(fx.idsA, u["id"].(string))
	}
	var roles struct{ Items []map[string]any }
	admin.Do("GET", "/api/v1/roles", nil).Want(200).JSON(&roles)
	for _, r := range roles.Items {
		fx.idsA = append(fx.idsA, r["id"].(string))
	}
	fx.idsA = append(fx.idsA, tok["id"].(string))

	// Tenant B, signed up through the API.
	b := e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家公司", "name": "外人",
		"email": "outsider@other.test", "password": "outsider password"}).Want(201).Map()
	bAdmin := e.Login("outsider@other.test", "outsider password")
	fx.idsB = append(fx.idsB, b["user"].(map[string]any)["id"].(string), b["user"].(map[string]any)["department_id"].(string))

	target := byEmail["east2.rep1@demo.local"] // in 华东大区/杭州二组
	fx.targets["users"] = target["id"].(string)
	fx.targets["departments"] = dept["杭州二组"]    // has members: deleting it is refused
	fx.targets["roles"] = custom["id"].(string) // held by a user: deleting it is refused
	fx.targets["tokens"] = tok["id"].(string)
	// A lead of east2.rep1, so in 杭州二组, given by the admin.
	lead := admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "矩阵客户", "phone": "13700001111",
		"owner_id": target["id"]}).Want(201).Map()
	fx.targets["leads"] = lead["id"].(string)
	fx.idsA = append(fx.idsA, lead["id"].(string))
	fx.deleteWant["leads"] = 412
	// A customer of east2.rep1 with one contact, given by the admin. The
	// matrix's {} to /leads/{id}/convert names neither customer nor
	// customer_id, so an allowed caller gets 422 and nothing is converted.
	cust := admin.Do("POST", "/api/v1/customers", map[string]any{"name": "矩阵客户公司", "owner_id": target["id"]}).Want(201).Map()
	contact := admin.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": cust["id"], "name": "矩阵联系人"}).Want(201).Map()
	fx.targets["customers"], fx.targets["contacts"] = cust["id"].(string), contact["id"].(string)
	fx.idsA = append(fx.idsA, cust["id"].(string), contact["id"].(string))
	fx.deleteWant["customers"], fx.deleteWant["contacts"] = 412, 412

	fx.visible["users"] = func(c caller) bool { return userVisible(c, target, byEmail, dept) }
	fx.visible["departments"] = func(c caller) bool { return !c.other }
	fx.visible["roles"] = func(c caller) bool { return !c.other }
	fx.visible["tokens"] = func(c caller) bool { return c.name == "admin" }
	// A lead is seen like its owner: the lead's owner is the users target.
	fx.visible["leads"] = fx.visible["users"]
	fx.visible["customers"], fx.visible["contacts"] = fx.visible["users"], fx.visible["users"]
	// A pool of 杭州二组 whose only member is east2.rep1 (no matrix caller):
	// seen like the users target (by department scope); a region and an
	// assignment rule, tenant-wide like the org chart. Their deletes take If-Match.
	pl := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "矩阵公海", "department_id": dept["杭州二组"],
		"member_ids": []any{target["id"]}}).Want(201).Map()
	rg := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "矩阵大区"}).Want(201).Map()
	rule := admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "矩阵规则", "department_id": dept["杭州二组"],
		"conditions": map[string]any{"source": "矩阵"}}).Want(201).Map()
	for res, obj := range map[string]map[string]any{"pools": pl, "regions": rg, "assignment-rules": rule} {
		fx.targets[res] = obj["id"].(string)
		fx.idsA = append(fx.idsA, obj["id"].(string))
		fx.deleteWant[res] = 412
	}
	fx.visible["pools"] = fx.visible["users"]
	fx.visible["regions"] = func(c caller) bool { return !c.other }
	fx.visible["assignment-rules"] = func(c caller) bool { return !c.other }
	// A task on the matrix customer done by east2.rep1: seen like the users
	// target. An inbox item of east2.rep1 (no matrix caller): nobody else's to
	// read, so every signed-in caller gets 404 and nothing is marked read.
	act := admin.Do("POST", "/api/v1/activities", map[string]any{"kind": "task", "subject_type": "customer",
		"subject_id": cust["id"], "title": "矩阵任务", "due_at": "2020-01-01T00:00:00Z", "owner_id": target["id"]}).Want(201).Map()
	fx.targets["activities"] = act["id"].(string)
	fx.idsA = append(fx.idsA, act["id"].(string))
	fx.deleteWant["activities"] = 412
	fx.visible["activities"] = fx.visible["users"]
	if _, err := activity.SendReminders(context.Background(), e.DB, time.Now()); err != nil {
		t.Fatal(err)
	}
	var inboxID string
	if err := e.DB.Read.NewSelect().Table("inbox_items").Column("id").Where("link_id = ?", act["id"]).Scan(context.Background(), &inboxID); err != nil {
		t.Fatal(err)
	}
	fx.targets["inbox"] = inboxID
	fx.idsA = append(fx.idsA, inboxID)
	fx.visible["inbox"] = func(caller) bool { return false }

	// The default pipeline (tenant-wide like the org chart) and an
	// opportunity of east2.rep1 on the matrix customer, seen like the users
	// target. Their writes take If-Match: the stale one is refused.
	var pipelines struct{ Items []map[string]any }
	admin.Do("GET", "/api/v1/pipelines", nil).Want(200).JSON(&pipelines)
	opp := admin.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cust["id"], "name": "矩阵商机",
		"amount": map[string]any{"amount": 100000, "currency": "CNY"}, "expected_close": "2030-01-31", "owner_id": target["id"]}).Want(201).Map()
	fx.targets["pipelines"], fx.targets["opportunities"] = pipelines.Items[0]["id"].(string), opp["id"].(string)
	fx.idsA = append(fx.idsA, pipelines.Items[0]["id"].(string), opp["id"].(string))
	fx.deleteWant["pipelines"], fx.deleteWant["opportunities"] = 412, 412
	fx.visible["pipelines"] = func(c caller) bool { return !c.other }
	fx.visible["opportunities"] = fx.visible["users"]

	// An import uploaded (not started) by east2.rep1: seen like the users
	// target. The matrix's {} to /imports/{id}/start maps no column, so an
	// allowed caller gets 422 and nothing is imported.
	var imp struct{ Import struct{ ID string } }
	upload(t, e.Demo("east2.rep1@demo.local"), "matrix.csv", []byte("姓名,手机\n矩阵导入,13700002222\n")).Want(201).JSON(&imp)
	fx.targets["imports"] = imp.Import.ID
	fx.idsA = append(fx.idsA, imp.Import.ID)
	fx.visible["imports"] = fx.visible["users"]
	// A web form landing in the matrix pool: a tenant setting, like the org
	// chart. Its token rotation takes If-Match: the stale one is refused.
	wf := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "矩阵表单", "target": "pool", "pool_id": pl["id"]}).Want(201).Map()
	fx.targets["web-forms"] = wf["id"].(string)
	fx.idsA = append(fx.idsA, wf["id"].(string))
	fx.deleteWant["web-forms"] = 412
	fx.visible["web-forms"] = func(c caller) bool { return !c.other }
	// A PDF on the matrix customer: seen like the customer; its delete takes If-Match.
	att := attach(t, admin, "customer", cust["id"].(string), "矩阵.pdf", []byte("%PDF-1.4 matrix")).Want(201).Map()
	fx.targets["attachments"] = att["id"].(string)
	fx.idsA = append(fx.idsA, att["id"].(string))
	fx.deleteWant["attachments"] = 412
	fx.visible["attachments"] = fx.visible["users"]

	for _, email := range []string{"admin@demo.local", "director@demo.local", "finance@demo.local", "east1.manager@demo.local",
		"east1.rep1@demo.local", "viewer@demo.local", "custom@demo.local"} {
		pw := "rudder-demo"
		if email == "viewer@demo.local" {
			pw = "viewer password 1"
		} else if email == "custom@demo.local" {
			pw = "custom password 1"
		}
		cl := e.Login(email, pw)
		me := cl.Do("GET", "/api/v1/me", nil).Want(200).Map()
		fx.callers = append(fx.callers, describeCaller(strings.Split(email, "@")[0], cl, me, false))
	}
	fx.callers = append(fx.callers, describeCaller("other-tenant-admin", bAdmin, bAdmin.Do("GET", "/api/v1/me", nil).Want(200).Map(), true))
	fx.callers = append(fx.callers, caller{name: "anonymous", client: e.Anon(), perms: map[string]bool{}})
	fx.callers[0].name = "admin"
	return fx
}

func describeCaller(name string, cl *apitest.Client, me map[string]any, other bool) caller {
	perms := map[string]bool{}
	for _, p := range me["permissions"].([]any) {
		perms[p.(string)] = true
	}
	u := me["user"].(map[string]any)
	perms["*"+me["data_scope"].(string)] = true
	if d, ok := u["department_id"].(string); ok {
		perms["@"+d] = true
	}
	return caller{name: name, client: cl, perms: perms, self: u["id"].(string), other: other}
}

func (c caller) perms2dept() string {
	for k := range c.perms {
		if strings.HasPrefix(k, "@") {
			return k[1:]
		}
	}
	return ""
}

// userVisible: the data scope rule for users, restated independently of the code under test.
func userVisible(c caller, target map[string]any, _ map[string]map[string]any, dept map[string]string) bool {
	switch {
	case c.other:
		return false
	case c.perms["*all"]:
		return true
	case c.perms["*department"]:
		mine := c.perms2dept()
		// The target sits in 杭州二组, below 华东大区: visible from either.
		return mine == dept["杭州二组"] || mine == dept["华东大区"]
	}
	return c.self == target["id"]
}

// fill replaces {id} with the tenant-A object of the route's resource.
func (fx *matrixFixture) fill(path string) (string, string) {
	if !strings.Contains(path, "{id}") {
		return path, ""
	}
	res := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")[0]
	id, ok := fx.targets[res]
	if !ok {
		panic("authz matrix: no fixture for resource " + res + "; add one when adding a resource")
	}
	return strings.Replace(path, "{id}", id, 1), res
}

// bodyFor sends an empty JSON object: enough to reach the handler for
// patches (every field optional) and invalid for creates, so an allowed
// create answers 422 and writes nothing.
func bodyFor(op *huma.Operation) any {
	if op.Method == http.MethodPost || op.Method == http.MethodPatch || op.Method == http.MethodPut {
		return map[string]any{}
	}
	return nil
}

// expect lists the statuses a caller may get.
func (fx *matrixFixture) expect(op *huma.Operation, access httpx.Access, c caller, resource string) []int {
	switch {
	case c.client.Token == "":
		return []int{401}
	case access.Perm != "" && !c.perms[access.Perm]:
		return []int{403}
	}
	if resource == "" { // collections
		switch op.Method {
		case http.MethodGet:
			return []int{200}
		case http.MethodPost, http.MethodPut:
			return []int{422} // PUT /scoring-model: an empty model is invalid, refused before any write
		}
		if op.Path == "/api/v1/settings/customer-pools" {
			return []int{422} // the empty patch says neither on nor off
		}
		return []int{204}
	}
	if !fx.visible[resource](c) {
		return []int{404}
	}
	switch op.Method {
	case http.MethodPatch:
		return []int{412} // the matrix sends a stale version: refused before any write
	case http.MethodPost:
		if op.Path == "/api/v1/opportunities/{id}/tasks/{task_id}/done" {
			return []int{404} // the matrix names no task of the opportunity
		}
		if op.Path == "/api/v1/web-forms/{id}/rotate-token" {
			return []int{412} // the matrix sends a stale version: the link is kept
		}
		if op.Path == "/api/v1/customers/{id}/claim" || op.Path == "/api/v1/customers/{id}/return" {
			return []int{409} // customer pools are switched off (the default)
		}
		if op.Path == "/api/v1/imports/{id}/cancel" {
			return []int{409} // the target import is uploaded, not running
		}
		if op.Path == "/api/v1/leads/{id}/claim" {
			return []int{409} // the target lead has an owner: only pooled leads can be claimed
		}
		return []int{422} // actions on a record ({id}/convert) refuse the empty body
	case http.MethodDelete:
		if want, ok := fx.deleteWant[resource]; ok {
			return []int{want}
		}
		return []int{409}
	}
	return []int{200}
}

// checkNoLeak: a 200 never carries another tenant's ids, and a user list
// holds only users in the caller's scope.
func (fx *matrixFixture) checkNoLeak(t *testing.T, op *huma.Operation, c caller, got *apitest.Resp) {
	t.Helper()
	foreign := fx.idsB
	if c.other {
		foreign = fx.idsA
	}
	for _, id := range foreign {
		if strings.Contains(string(got.Body), id) {
			t.Errorf("%s %s as %s leaks id %s of another tenant", op.Method, op.Path, c.name, id)
		}
	}
	if (op.Path == "/api/v1/leads" || op.Path == "/api/v1/customers" || op.Path == "/api/v1/opportunities") && c.perms["*own"] {
		var page struct{ Items []map[string]any }
		got.JSON(&page)
		for _, l := range page.Items {
			if l["owner_id"] != c.self {
				t.Errorf("%s with own scope sees lead %s of %v", c.name, l["id"], l["owner_id"])
			}
		}
	}
	if op.Path == "/api/v1/users" && !c.perms["*all"] {
		var page struct{ Items []map[string]any }
		got.JSON(&page)
		for _, u := range page.Items {
			if c.perms["*own"] && u["id"] != c.self {
				t.Errorf("%s with own scope sees user %s", c.name, u["email"])
			}
		}
	}
}

// auditCount counts the audit entries of changes: exports are recorded
// too (a read, allowed to those who may export), so they are left out.
func auditCount(t *testing.T, e *apitest.Env) int64 {
	n, err := e.DB.Read.NewSelect().Table("audit_log").Where("object_type <> 'export'").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func openSQLite(t *testing.T) *db.DB { return dbtest.Open(t, db.SQLite) }

func openSQLiteTB(t testing.TB) *db.DB { return dbtest.Open(t, db.SQLite) }
