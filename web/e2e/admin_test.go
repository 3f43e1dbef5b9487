package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiDepartment struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	ParentID *string `json:"parent_id"`
}

type apiUser struct {
	ID           string  `json:"id"`
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	DepartmentID *string `json:"department_id"`
	RoleID       string  `json:"role_id"`
	Status       string  `json:"status"`
}

type apiRole struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

type apiAudit struct {
	ID         string `json:"id"`
	Action     string `json:"action"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	Changes    []struct {
		Field string `json:"field"`
		Old   any    `json:"old"`
		New   any    `json:"new"`
	} `json:"changes"`
}

func departmentByName(t *testing.T, c *apitest.Client, name string) *apiDepartment {
	t.Helper()
	var page struct{ Items []apiDepartment }
	c.Do("GET", "/api/v1/departments?limit=500", nil).Want(http.StatusOK).JSON(&page)
	for i := range page.Items {
		if page.Items[i].Name == name {
			return &page.Items[i]
		}
	}
	return nil
}

func userByEmail(t *testing.T, c *apitest.Client, email string) *apiUser {
	t.Helper()
	var page struct{ Items []apiUser }
	c.Do("GET", "/api/v1/users?q="+url.QueryEscape(email), nil).Want(http.StatusOK).JSON(&page)
	for i := range page.Items {
		if page.Items[i].Email == email {
			return &page.Items[i]
		}
	}
	return nil
}

func roleIDs(t *testing.T, c *apitest.Client) map[string]string {
	t.Helper()
	var page struct{ Items []apiRole }
	c.Do("GET", "/api/v1/roles?limit=200", nil).Want(http.StatusOK).JSON(&page)
	ids := map[string]string{}
	for _, r := range page.Items {
		ids[r.Key] = r.ID
	}
	return ids
}

// TestAdminFlow is an administrator's day in Chinese: a new team, a new
// user in it, a promotion, the audit trail of it, and signing out.
func TestAdminFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		adminFlow(t, apitest.Start(t, d))
	})
}

func adminFlow(t *testing.T, env *apitest.Env) {
	const (
		deptName  = "测试一组"
		userName  = "端到端测试"
		userEmail = "e2e.user@demo.local"
		userPass  = "e2e password 123"
	)
	admin := env.Login(adminEmail, demoPassword)
	roles := roleIDs(t, admin)
	east := departmentByName(t, admin, "华东大区")
	if east == nil || roles["rep"] == "" || roles["manager"] == "" {
		t.Fatalf("demo data lacks 华东大区 or the rep/manager roles: %v %v", east, roles)
	}

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)

	// Departments: a new team under 华东大区.
	p.click(tid("nav-departments"))
	p.waitPath("/admin/departments")
	p.waitText(tid("department-tree"), "华东大区", "上海一组", "杭州二组", "华南大区", "财务部")
	p.click(tid("create-department"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建部门")
	p.fill(tid("department-name"), deptName)
	p.chooseTree("department-parent", "华东大区")
	p.snap("admin-1-department-form")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("department-name"))

	dept := departmentByName(t, admin, deptName)
	if dept == nil {
		t.Fatalf("department %s was not created", deptName)
	}
	if dept.ParentID == nil || *dept.ParentID != east.ID {
		t.Fatalf("department %s has parent %v, want 华东大区 %s", deptName, dept.ParentID, east.ID)
	}
	// It shows in the tree, one level under 华东大区 (two under the root), and is selected.
	p.waitText(tid("department-tree")+" "+tid("row-"+dept.ID), deptName)
	level := func(id string) int {
		n, err := eval[int](p.ctx, `document.querySelector('[data-testid="row-`+id+`"]').closest('.ant-tree-treenode').querySelectorAll('.ant-tree-indent-unit').length`)
		if err != nil {
			t.Fatalf("tree level of %s: %v", id, err)
		}
		return n
	}
	if got, want := level(dept.ID), level(east.ID)+1; got != want {
		t.Errorf("%s is at tree level %d, want %d (under 华东大区)", deptName, got, want)
	}
	p.waitText(tid("department-detail"), deptName, "上级部门", "华东大区")
	p.snap("admin-2-department-created")

	// Users: create one in the new team as a sales rep.
	p.click(tid("nav-users"))
	p.waitPath("/admin/users")
	p.waitVisible(".ant-table-tbody tr[data-testid^='row-']")
	p.click(tid("create-user"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建用户")
	p.fill(tid("user-name"), userName)
	p.fill(tid("user-email"), userEmail)
	p.fill(tid("user-password"), userPass)
	p.chooseTree("user-department", deptName)
	p.choose("user-role", "销售代表")
	p.snap("admin-3-user-form")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("user-name"))

	u := userByEmail(t, admin, userEmail)
	if u == nil {
		t.Fatalf("user %s was not created", userEmail)
	}
	if u.RoleID != roles["rep"] || u.DepartmentID == nil || *u.DepartmentID != dept.ID || u.Name != userName {
		t.Fatalf("created user %+v, want %s in %s as rep", u, userName, deptName)
	}
	row := tid("row-" + u.ID)
	p.fill(tid("users-search"), "端到端")
	p.press("\r")
	p.waitText(row, userName, userEmail, deptName, "销售代表", "在职")

	// Promote to sales manager in the edit drawer.
	p.click(tid("edit-" + u.ID))
	p.waitText(".ant-drawer-open .ant-drawer-title", userName)
	p.waitText(".ant-drawer-open "+tid("user-role"), "销售代表")
	p.choose("user-role", "销售经理")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("user-name"))
	p.waitText(row, userName, "销售经理")
	p.snap("admin-4-user-promoted")
	if strings.Contains(p.text(row), "销售代表") {
		t.Errorf("row still shows 销售代表: %q", p.text(row))
	}
	if got := userByEmail(t, admin, userEmail); got == nil || got.RoleID != roles["manager"] {
		t.Fatalf("after the edit the server has %+v, want role manager (%s)", got, roles["manager"])
	}

	// The new user can sign in with the password given in the form.
	env.Login(userEmail, userPass)

	// Audit log: the role change, with role names for the ids.
	var audit struct{ Items []apiAudit }
	admin.Do("GET", "/api/v1/audit?object_type=user&object_id="+u.ID, nil).Want(http.StatusOK).JSON(&audit)
	var update *apiAudit
	for i, e := range audit.Items {
		if e.Action == "update" && slices.ContainsFunc(e.Changes, func(c struct {
			Field string `json:"field"`
			Old   any    `json:"old"`
			New   any    `json:"new"`
		}) bool {
			return c.Field == "role_id" && c.Old == roles["rep"] && c.New == roles["manager"]
		}) {
			update = &audit.Items[i]
		}
	}
	if update == nil {
		t.Fatalf("no audit entry for the role change of %s: %+v", u.ID, audit.Items)
	}
	p.click(tid("nav-audit"))
	p.waitPath("/admin/audit")
	p.waitVisible(".ant-table-tbody tr[data-testid^='row-']")
	p.choose("audit-object-type", "用户")
	p.fill(tid("audit-object-id"), u.ID)
	p.click(tid("audit-search"))
	entry := tid("row-" + update.ID)
	p.waitText(entry, adminName, "修改", "用户", u.ID)
	p.waitJS("only entries of the new user", `[...document.querySelectorAll('.ant-table-tbody tr[data-testid^="row-"]')].every((tr) => tr.innerText.includes(`+js(u.ID)+`))`)
	p.click(entry + " .ant-table-row-expand-icon")
	changes := entry + " + tr.ant-table-expanded-row " + tid("audit-changes")
	p.waitText(changes, "字段", "原值", "新值", "角色")
	roleChange := `[...document.querySelectorAll(` + js(changes+" tbody tr") + `)].map((tr) => [...tr.cells].map((c) => norm(c.innerText))).find((c) => c[0] === '角色')`
	p.waitJS("the role change to show names: 销售代表 → 销售经理", `(() => { const c = `+roleChange+`; return !!c && c[1] === '销售代表' && c[3] === '销售经理'; })()`)
	p.snap("admin-5-audit")

	// Sign out from the user menu: back to the login page, and the old session is dead.
	cookie := p.cookie(sessionCookie)
	if cookie == "" {
		t.Fatalf("no %s cookie while signed in", sessionCookie)
	}
	if s := meStatus(t, env, cookie); s != http.StatusOK {
		t.Fatalf("GET /api/v1/me with the browser's cookie: %d before logout, want 200", s)
	}
	p.click(tid("user-menu"))
	p.click(tid("menu-logout"))
	p.waitPath("/login")
	p.waitVisible(tid("login-submit"))
	if s := meStatus(t, env, cookie); s != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with the old cookie after logout: %d, want 401", s)
	}
	p.goTo("/admin/users")
	p.waitPath("/login")
	p.waitVisible(tid("login-submit"))
	p.snap("admin-6-signed-out")
	if got := p.path(); got != "/login?next=%2Fadmin%2Fusers" {
		t.Errorf("a signed-out visit to /admin/users went to %s, want /login?next=%%2Fadmin%%2Fusers", got)
	}
}

// meStatus calls GET /api/v1/me with a session cookie.
func meStatus(t *testing.T, env *apitest.Env, cookie string) int {
	t.Helper()
	req, err := http.NewRequest("GET", env.URL+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestEnglishAdminFlow: the same pages work in English, built-in role names
// included.
func TestEnglishAdminFlow(t *testing.T) {
	env := startServer(t)
	admin := env.Login(adminEmail, demoPassword)
	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.waitText(".rudder-auth-card", "Sign in")
	p.login(adminEmail, demoPassword)

	p.click(tid("nav-departments"))
	p.waitPath("/admin/departments")
	p.waitText(".ant-breadcrumb", "Administration", "Departments")
	p.waitText(tid("department-tree"), "华南大区")
	p.click(tid("create-department"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "New department")
	p.fill(tid("department-name"), "QA Team")
	p.chooseTree("department-parent", "华南大区")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("department-name"))
	dept := departmentByName(t, admin, "QA Team")
	south := departmentByName(t, admin, "华南大区")
	if dept == nil || south == nil || dept.ParentID == nil || *dept.ParentID != south.ID {
		t.Fatalf("QA Team = %+v, want it under 华南大区 %+v", dept, south)
	}
	p.waitText(tid("department-tree")+" "+tid("row-"+dept.ID), "QA Team")
	p.waitText(tid("department-detail"), "QA Team", "Parent", "华南大区")

	p.click(tid("nav-users"))
	p.waitPath("/admin/users")
	p.waitText(".ant-table-thead", "Name", "Email", "Department", "Role")
	p.waitText(".ant-table-tbody", "Administrator", "Sales rep")
	if text := p.text(".ant-table-tbody"); strings.Contains(text, "销售代表") || strings.Contains(text, "系统管理员") {
		t.Errorf("English users table shows Chinese role names:\n%s", text)
	}
}
