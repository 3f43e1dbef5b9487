package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/api"
	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/auth/session"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// each runs fn on a fresh server over each dialect.
func each(t *testing.T, fn func(t *testing.T, e *apitest.Env)) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, apitest.Start(t, d)) })
}

func TestSignInMeAndSignOut(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		c := e.Demo("east1.manager@demo.local")
		me := c.Do("GET", "/api/v1/me", nil).Want(200).Map()
		if me["data_scope"] != "department" || me["role"].(map[string]any)["key"] != "manager" {
			t.Fatalf("me: %v", me)
		}
		perms := fmt.Sprint(me["permissions"])
		if !strings.Contains(perms, "user.read") || strings.Contains(perms, "user.write") {
			t.Fatalf("manager permissions: %s", perms)
		}
		if me["user"].(map[string]any)["department_name"] != "上海一组" {
			t.Fatalf("me.user: %v", me["user"])
		}
		c.Do("DELETE", "/api/v1/sessions/current", nil).Want(204)
		c.Do("GET", "/api/v1/me", nil).Want(401)
		e.Anon().Do("GET", "/api/v1/me", nil).Want(401)
	})
}

func TestSessionCookieWorks(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		r := e.Anon().Do("POST", "/api/v1/sessions", map[string]string{"email": "ADMIN@demo.local ", "password": "rudder-demo"}).Want(201)
		var cookie *http.Cookie
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == "rudder_session" {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie: %+v", cookie)
		}
		e.Anon().Do("GET", "/api/v1/me", nil, "Cookie", "rudder_session="+cookie.Value).Want(200)
		e.Anon().Do("GET", "/api/v1/me", nil, "Cookie", "rudder_session=rds_forged").Want(401)
	})
}

func TestLoginThrottle(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		a := e.Anon()
		for i := 0; i < 5; i++ {
			a.Do("POST", "/api/v1/sessions", map[string]string{"email": "east1.rep1@demo.local", "password": "wrong-password"}).Want(401)
		}
		r := a.Do("POST", "/api/v1/sessions", map[string]string{"email": "east1.rep1@demo.local", "password": "rudder-demo"}).Want(429)
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		// Another account from the same address is not affected.
		e.Demo("east1.rep2@demo.local")
	})
}

func TestSignup(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		a := e.Anon()
		body := map[string]string{"company": "远航贸易", "name": "钱多多", "email": "boss@yuanhang.test", "password": "short"}
		p := a.Do("POST", "/api/v1/signup", body).Want(422).Problem()
		if !p.Names("body.password") {
			t.Fatalf("weak password problem: %+v", p)
		}
		body["password"] = "Password123"
		if p := a.Do("POST", "/api/v1/signup", body).Want(422).Problem(); !p.Names("body.password") {
			t.Fatalf("common password problem: %+v", p)
		}
		body["password"] = "a long enough passphrase"
		var out struct {
			Token string
			User  struct{ ID, Email string }
		}
		a.Do("POST", "/api/v1/signup", body).Want(201).JSON(&out)
		if out.Token == "" || out.User.Email != "boss@yuanhang.test" {
			t.Fatalf("signup answer: %+v", out)
		}
		c := e.Login("boss@yuanhang.test", "a long enough passphrase")
		me := c.Do("GET", "/api/v1/me", nil).Want(200).Map()
		if me["tenant"].(map[string]any)["name"] != "远航贸易" || me["data_scope"] != "all" {
			t.Fatalf("new tenant me: %v", me)
		}
		// The new tenant sees only itself.
		var users struct{ Items []map[string]any }
		c.Do("GET", "/api/v1/users", nil).Want(200).JSON(&users)
		if len(users.Items) != 1 || users.Items[0]["email"] != "boss@yuanhang.test" {
			t.Fatalf("new tenant users: %v", users.Items)
		}
		if p := a.Do("POST", "/api/v1/signup", body).Want(409).Problem(); !p.Names("body.email") {
			t.Fatalf("duplicate email problem: %+v", p)
		}
	})
}

// createUser makes a user through the API and returns its id.
func createUser(t *testing.T, c *apitest.Client, body map[string]any) map[string]any {
	t.Helper()
	return c.Do("POST", "/api/v1/users", body).Want(201).Map()
}

func roleID(t *testing.T, c *apitest.Client, key string) string {
	t.Helper()
	var roles struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/roles", nil).Want(200).JSON(&roles)
	for _, r := range roles.Items {
		if r["key"] == key {
			return r["id"].(string)
		}
	}
	t.Fatalf("no role %s", key)
	return ""
}

func TestDepartmentUserRoleAndAudit(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		dept := admin.Do("POST", "/api/v1/departments", map[string]any{"name": "北京三组"}).Want(201).Map()
		u := createUser(t, admin, map[string]any{"email": "new.rep@demo.local", "name": "马超", "password": "correct horse battery",
			"department_id": dept["id"], "role_id": roleID(t, admin, "rep")})
		if u["department_name"] != "北京三组" || u["role_name"] != "销售代表" || u["version"].(float64) != 1 {
			t.Fatalf("created user: %v", u)
		}
		id := u["id"].(string)
		mgr := roleID(t, admin, "manager")
		upd := admin.Do("PATCH", "/api/v1/users/"+id, map[string]any{"role_id": mgr}, "If-Match", `"1"`).Want(200)
		if upd.Header.Get("ETag") != `"2"` || upd.Map()["role_name"] != "销售经理" {
			t.Fatalf("after role change: %s %s", upd.Header.Get("ETag"), upd.Body)
		}
		// The stale version is refused and nothing is overwritten.
		admin.Do("PATCH", "/api/v1/users/"+id, map[string]any{"name": "马云"}, "If-Match", `"1"`).Want(412)
		if p := admin.Do("PATCH", "/api/v1/users/"+id, map[string]any{"name": "马云"}).Want(422).Problem(); !p.Names("header.If-Match") {
			t.Fatalf("missing If-Match: %+v", p)
		}
		if got := admin.Do("GET", "/api/v1/users/"+id, nil).Want(200).Map(); got["name"] != "马超" {
			t.Fatalf("stale write went through: %v", got)
		}
		// The role change is in the user's history and in the audit search, old → new.
		var hist struct {
			Items []struct {
				Action    string
				ActorName string `json:"actor_name"`
				RequestID string `json:"request_id"`
				Changes   []struct{ Field, Old, New any }
			}
		}
		admin.Do("GET", "/api/v1/users/"+id+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 2 || hist.Items[0].Action != "update" || hist.Items[1].Action != "create" {
			t.Fatalf("history: %+v", hist.Items)
		}
		ch := hist.Items[0].Changes
		if len(ch) != 1 || ch[0].Field != "role_id" || ch[0].Old != roleID(t, admin, "rep") || ch[0].New != mgr {
			t.Fatalf("role change entry: %+v", ch)
		}
		if hist.Items[0].ActorName != "周建国" || hist.Items[0].RequestID == "" {
			t.Fatalf("actor/request id: %+v", hist.Items[0])
		}
		for _, c := range hist.Items[1].Changes {
			if c.Field == "password_hash" || c.Field == "password" {
				t.Fatalf("secret in audit: %+v", c)
			}
		}
		var found struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/audit?object_type=user&object_id="+id, nil).Want(200).JSON(&found)
		if len(found.Items) != 2 {
			t.Fatalf("audit search: %d entries", len(found.Items))
		}
		// A department with members cannot be deleted.
		admin.Do("DELETE", "/api/v1/departments/"+dept["id"].(string), nil).Want(409)
	})
}

func TestDepartmentTreeRules(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		top := admin.Do("POST", "/api/v1/departments", map[string]any{"name": "西部大区"}).Want(201).Map()
		topID := top["id"].(string)
		child := admin.Do("POST", "/api/v1/departments", map[string]any{"name": "成都组", "parent_id": topID}).Want(201).Map()
		childID := child["id"].(string)
		admin.Do("POST", "/api/v1/departments", map[string]any{"name": "成都组", "parent_id": topID}).Want(409)
		p := admin.Do("PATCH", "/api/v1/departments/"+topID, map[string]any{"parent_id": childID}, "If-Match", `"1"`).Want(422).Problem()
		if !p.Names("body.parent_id") {
			t.Fatalf("cycle problem: %+v", p)
		}
		admin.Do("DELETE", "/api/v1/departments/"+topID, nil).Want(409)
		admin.Do("DELETE", "/api/v1/departments/"+childID, nil).Want(204)
		admin.Do("DELETE", "/api/v1/departments/"+topID, nil).Want(204)
		admin.Do("GET", "/api/v1/departments/"+topID, nil).Want(404)
	})
}

func TestDisablingEndsSessionsAndTokens(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep := e.Demo("east1.rep3@demo.local")
		tok := rep.Do("POST", "/api/v1/tokens", map[string]any{"name": "ci"}).Want(201).Map()
		api := e.Anon()
		api.Token = tok["token"].(string)
		api.Do("GET", "/api/v1/me", nil).Want(200)
		me := rep.Do("GET", "/api/v1/me", nil).Want(200).Map()["user"].(map[string]any)
		id := me["id"].(string)
		admin.Do("PATCH", "/api/v1/users/"+id, map[string]any{"status": "disabled"}, "If-Match", `"1"`).Want(200)
		rep.Do("GET", "/api/v1/me", nil).Want(401)
		api.Do("GET", "/api/v1/me", nil).Want(401)
		e.Anon().Do("POST", "/api/v1/sessions", map[string]string{"email": "east1.rep3@demo.local", "password": "rudder-demo"}).Want(401)
		// Re-enabled, the user signs in again; the old token stays revoked.
		admin.Do("PATCH", "/api/v1/users/"+id, map[string]any{"status": "active"}, "If-Match", `"2"`).Want(200)
		e.Demo("east1.rep3@demo.local")
		api.Do("GET", "/api/v1/me", nil).Want(401)
		// An admin cannot disable themself.
		self := admin.Do("GET", "/api/v1/me", nil).Map()["user"].(map[string]any)
		admin.Do("PATCH", "/api/v1/users/"+self["id"].(string), map[string]any{"status": "disabled"}, "If-Match", `"1"`).Want(422)
	})
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep := e.Demo("south1.rep1@demo.local")
		id := rep.Do("GET", "/api/v1/me", nil).Map()["user"].(map[string]any)["id"].(string)
		admin.Do("PATCH", "/api/v1/users/"+id, map[string]any{"password": "1234567890"}, "If-Match", `"1"`).Want(422)
		admin.Do("PATCH", "/api/v1/users/"+id, map[string]any{"password": "a brand new secret"}, "If-Match", `"1"`).Want(200)
		rep.Do("GET", "/api/v1/me", nil).Want(401)
		e.Login("south1.rep1@demo.local", "a brand new secret")
	})
}

func TestTokens(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		created := admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "ERP sync", "expires_in_days": 30}).Want(201).Map()
		secret := created["token"].(string)
		if !strings.HasPrefix(secret, "rdr_") || !strings.HasPrefix(secret, created["prefix"].(string)) {
			t.Fatalf("token: %v", created)
		}
		var list struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/tokens", nil).Want(200).JSON(&list)
		if len(list.Items) != 1 || strings.Contains(fmt.Sprint(list.Items), secret) {
			t.Fatalf("token list leaks or misses: %v", list.Items)
		}
		bot := e.Anon()
		bot.Token = secret
		bot.Do("GET", "/api/v1/users?limit=1", nil).Want(200)
		// Another user cannot see or revoke it.
		other := e.Demo("director@demo.local")
		other.Do("DELETE", "/api/v1/tokens/"+created["id"].(string), nil).Want(404)
		admin.Do("DELETE", "/api/v1/tokens/"+created["id"].(string), nil).Want(204)
		bot.Do("GET", "/api/v1/users?limit=1", nil).Want(401)
		var hist struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/tokens/"+created["id"].(string)+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 2 || strings.Contains(string(admin.Do("GET", "/api/v1/audit?object_type=token", nil).Body), secret) {
			t.Fatalf("token history: %v", hist.Items)
		}
	})
}

func TestKeysetPaging(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		for _, sort := range []string{"name", "-name", "created_at", "-created_at"} {
			seen := map[string]bool{}
			cursor, pages := "", 0
			for {
				var page struct {
					Items      []map[string]any
					NextCursor string `json:"next_cursor"`
				}
				admin.Do("GET", "/api/v1/users?limit=4&sort="+sort+"&cursor="+cursor, nil).Want(200).JSON(&page)
				for _, u := range page.Items {
					if seen[u["id"].(string)] {
						t.Fatalf("sort %s: %s twice", sort, u["id"])
					}
					seen[u["id"].(string)] = true
				}
				pages++
				if page.NextCursor == "" {
					break
				}
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				cursor = page.NextCursor
				if sort == "name" && pages == 1 {
					// A cursor of one sort is refused by another.
					p := admin.Do("GET", "/api/v1/users?sort=-name&cursor="+cursor, nil).Want(422).Problem()
					if !p.Names("query.cursor") {
						t.Fatalf("cross-sort cursor: %+v", p)
					}
				}
			}
			if len(seen) != 19 {
				t.Fatalf("sort %s: %d users, want 19", sort, len(seen))
			}
		}
		admin.Do("GET", "/api/v1/users?cursor=!!notacursor", nil).Want(422)
		admin.Do("GET", "/api/v1/users?limit=0", nil).Want(422)
		admin.Do("GET", "/api/v1/users?limit=100000", nil).Want(422)
	})
}

func TestDataScopeOnUsers(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		count := func(c *apitest.Client) int {
			var page struct{ Items []map[string]any }
			c.Do("GET", "/api/v1/users?limit=100", nil).Want(200).JSON(&page)
			return len(page.Items)
		}
		if n := count(e.Demo("east1.rep1@demo.local")); n != 1 {
			t.Fatalf("rep sees %d users, want only self", n)
		}
		if n := count(e.Demo("east1.manager@demo.local")); n != 4 {
			t.Fatalf("team manager sees %d users, want the team of 4", n)
		}
		if n := count(e.Demo("director@demo.local")); n != 19 {
			t.Fatalf("director sees %d users, want all 19", n)
		}
	})
}

func TestBadInputNever500(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep := roleID(t, admin, "rep")
		cases := []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"malformed json", "POST", "/api/v1/users", `{"email": `, 400, ""},
			{"wrong type", "POST", "/api/v1/users", `{"email": 5, "name": "a", "password": "abcdefghijk1", "role_id": "` + rep + `"}`, 422, "body.email"},
			{"unknown field", "POST", "/api/v1/departments", `{"name": "x", "colour": "red"}`, 422, "body.colour"},
			{"overlong", "POST", "/api/v1/departments", map[string]any{"name": strings.Repeat("长", 81)}, 422, "body.name"},
			{"control char", "POST", "/api/v1/departments", map[string]any{"name": "bad\u0000name"}, 422, "body.name"},
			{"bidi override", "POST", "/api/v1/departments", map[string]any{"name": "gpj.\u202eexe"}, 422, "body.name"},
			{"malformed id", "GET", "/api/v1/users/not-an-id", nil, 422, "path.id"},
			{"unknown parent", "POST", "/api/v1/departments", map[string]any{"name": "x", "parent_id": "0190a000-0000-7000-8000-000000000000"}, 422, "body.parent_id"},
			{"bad email", "POST", "/api/v1/users", map[string]any{"email": "nobody", "name": "a", "password": "abcdefghijk1", "role_id": rep}, 422, "body.email"},
			{"bad role", "POST", "/api/v1/users", map[string]any{"email": "a@b.test", "name": "a", "password": "abcdefghijk1", "role_id": "0190a000-0000-7000-8000-000000000000"}, 422, "body.role_id"},
			{"bad if-match", "PATCH", "/api/v1/roles/" + rep, map[string]any{"name": "x"}, 422, "header.If-Match"},
			{"unknown api route", "GET", "/api/v1/nothing-here", nil, 404, ""},
			{"bad date", "GET", "/api/v1/audit?from=yesterday", nil, 422, "query.from"},
			{"bad scope", "POST", "/api/v1/roles", map[string]any{"name": "x", "permissions": []string{}, "data_scope": "galaxy"}, 422, "body.data_scope"},
			{"unknown permission", "POST", "/api/v1/roles", map[string]any{"name": "x", "permissions": []string{"launch.missiles"}, "data_scope": "own"}, 422, "body.permissions[0]"},
		}
		for _, c := range cases {
			headers := []string{}
			if c.name == "bad if-match" {
				headers = []string{"If-Match", "soon"}
			}
			r := admin.Do(c.method, c.path, c.body, headers...)
			if r.Status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, r.Status, c.status, r.Body)
				continue
			}
			p := r.Problem()
			if c.field != "" && !p.Names(c.field) {
				t.Errorf("%s: problem does not name %s: %s", c.name, c.field, r.Body)
			}
		}
		var deps struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/departments", nil).Want(200).JSON(&deps)
		if len(deps.Items) != 8 {
			t.Fatalf("bad input wrote something: %d departments", len(deps.Items))
		}
	})
}

func TestBodyTooLarge(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		big := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
		admin.Do("POST", "/api/v1/departments", big).Want(413)
		admin.Do("POST", "/api/v1/departments", big, "Idempotency-Key", "big-1").Want(413)
	})
}

func TestIdempotencyKey(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		body := map[string]any{"name": "苏州组"}
		first := admin.Do("POST", "/api/v1/departments", body, "Idempotency-Key", "k-1").Want(201)
		again := admin.Do("POST", "/api/v1/departments", body, "Idempotency-Key", "k-1").Want(201)
		if string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay differs:\n%s\n%s", first.Body, again.Body)
		}
		admin.Do("POST", "/api/v1/departments", map[string]any{"name": "无锡组"}, "Idempotency-Key", "k-1").Want(422)
		// Concurrent retries: exactly one department is created.
		var wg sync.WaitGroup
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := admin.Do("POST", "/api/v1/departments", map[string]any{"name": "常州组"}, "Idempotency-Key", "k-2")
				if r.Status != 201 && r.Status != 409 {
					t.Errorf("concurrent retry: %d %s", r.Status, r.Body)
				}
			}()
		}
		wg.Wait()
		var deps struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/departments", nil).Want(200).JSON(&deps)
		n := 0
		for _, d := range deps.Items {
			if d["name"] == "苏州组" || d["name"] == "常州组" {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("idempotent creates made %d departments, want 2", n)
		}
	})
}

func TestOpsEndpoints(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		e.Anon().Do("GET", "/healthz", nil).Want(200)
		e.Anon().Do("GET", "/readyz", nil).Want(200)
		e.Demo("admin@demo.local").Do("GET", "/api/v1/me", nil).Want(200)
		m := string(e.Anon().Do("GET", "/metrics", nil).Want(200).Body)
		for _, want := range []string{`rudder_http_requests_total{method="GET",route="GET /api/v1/me",status="200"}`,
			"rudder_http_request_duration_seconds_bucket", "go_sql_open_connections"} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		r := e.Anon().Do("GET", "/admin/users", nil).Want(200)
		if !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("UI route: %s", r.Header.Get("Content-Type"))
		}
		e.Anon().Do("GET", "/api/v1/config", nil).Want(200)
	})
}

// TestChangesTakeEffectAtOnce: resolved principals are cached briefly, and a
// change to a role or a user must still apply to the very next request.
func TestChangesTakeEffectAtOnce(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		role := admin.Do("POST", "/api/v1/roles", map[string]any{"name": "临时", "permissions": []string{"user.read"}, "data_scope": "all"}).Want(201).Map()
		createUser(t, admin, map[string]any{"email": "temp@demo.local", "name": "临时工", "password": "temporary password",
			"role_id": role["id"]})
		temp := e.Login("temp@demo.local", "temporary password")
		temp.Do("GET", "/api/v1/users", nil).Want(200)
		admin.Do("PATCH", "/api/v1/roles/"+role["id"].(string), map[string]any{"permissions": []string{}}, "If-Match", `"1"`).Want(200)
		temp.Do("GET", "/api/v1/users", nil).Want(403)
		admin.Do("PATCH", "/api/v1/roles/"+role["id"].(string), map[string]any{"permissions": []string{"user.read"}, "data_scope": "own"}, "If-Match", `"2"`).Want(200)
		var page struct{ Items []map[string]any }
		temp.Do("GET", "/api/v1/users", nil).Want(200).JSON(&page)
		if len(page.Items) != 1 {
			t.Fatalf("scope narrowed to own, still sees %d users", len(page.Items))
		}
	})
}

// TestSessionsExpire: an expired or idle session no longer signs anyone in
// (after at most the principal cache's TTL).
func TestSessionsExpire(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		expired := e.Demo("finance@demo.local")
		idle := e.Demo("director@demo.local")
		fresh := e.Demo("east1.rep1@demo.local")
		past := time.Now().UTC().Add(-time.Minute)
		if _, err := e.DB.Write.NewUpdate().Table("sessions").Set("expires_at = ?", past).
			Where("hash = ?", hashOf(expired.Token)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.DB.Write.NewUpdate().Table("sessions").Set("last_seen_at = ?", time.Now().UTC().Add(-13*time.Hour)).
			Where("hash = ?", hashOf(idle.Token)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(session.DefaultTTL + 100*time.Millisecond)
		expired.Do("GET", "/api/v1/me", nil).Want(401)
		idle.Do("GET", "/api/v1/me", nil).Want(401)
		fresh.Do("GET", "/api/v1/me", nil).Want(200)
	})
}

func hashOf(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TestSignupOffAndNoDemo: with RUDDER_SIGNUP=off sign-up is refused, and
// outside demo mode the login page is not told the demo logins.
func TestSignupOffAndNoDemo(t *testing.T) {
	e := apitest.StartWith(t, openSQLite(t), api.Options{})
	e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "X", "name": "Y",
		"email": "y@x.test", "password": "long enough password"}).Want(403)
	cfg := e.Anon().Do("GET", "/api/v1/config", nil).Want(200).Map()
	if cfg["demo"] != false || cfg["signup"] != false || len(cfg["demo_logins"].([]any)) != 0 || cfg["demo_password"] != nil {
		t.Fatalf("config outside demo mode: %v", cfg)
	}
	on := apitest.Start(t, openSQLite(t)).Anon().Do("GET", "/api/v1/config", nil).Want(200).Map()
	if on["demo"] != true || on["demo_password"] != "rudder-demo" || len(on["demo_logins"].([]any)) != 19 {
		t.Fatalf("config in demo mode: %v", on)
	}
}

// TestNoIdempotencyForSecrets: answers holding a token are never stored, so
// an Idempotency-Key on those routes is refused.
func TestNoIdempotencyForSecrets(t *testing.T) {
	e := apitest.Start(t, openSQLite(t))
	admin := e.Demo("admin@demo.local")
	admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "x"}, "Idempotency-Key", "t-1").Want(400)
	e.Anon().Do("POST", "/api/v1/sessions", map[string]string{"email": "admin@demo.local", "password": "rudder-demo"},
		"Idempotency-Key", "s-1").Want(400)
	n, err := e.DB.Read.NewSelect().Table("idempotency_keys").Count(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("idempotency rows: %d %v", n, err)
	}
}
