package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestAdminDialogs: the users page's change-role dialog and the API tokens
// page's create dialog (FormModal) save through their Save button: the new
// role is the user's, and the token shown once signs requests in.
func TestAdminDialogs(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		adminDialogs(t, apitest.Start(t, d))
	})
}

func adminDialogs(t *testing.T, env *apitest.Env) {
	admin := env.Login(adminEmail, demoPassword)
	roles := roleIDs(t, admin)
	rep := userByEmail(t, admin, rep1Email)
	if rep == nil || rep.RoleID != roles["rep"] {
		t.Fatalf("demo rep: %+v", rep)
	}

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.goTo("/admin/users")
	p.click(tid("role-" + rep.ID))
	p.waitText(".ant-modal-title", "李娜")
	p.choose("user-role", "销售经理")
	p.click(".ant-modal-wrap " + tid("form-submit"))
	p.waitGone(".ant-modal-wrap " + tid("user-role"))
	if got := userByEmail(t, admin, rep1Email); got.RoleID != roles["manager"] {
		t.Fatalf("role after the dialog: %s, want manager %s", got.RoleID, roles["manager"])
	}

	p.goTo("/admin/tokens")
	p.click(tid("create-token"))
	p.fill(tid("token-name"), "ERP 同步")
	p.click(".ant-modal-wrap " + tid("form-submit"))
	p.waitVisible(tid("token-value"))
	token := strings.TrimSpace(p.text(tid("token-value")))
	if token == "" {
		t.Fatal("no token shown")
	}
	c := env.Anon()
	c.Token = token
	c.Do("GET", "/api/v1/me", nil).Want(http.StatusOK)
	p.click(tid("token-done"))
	p.waitText("body", "ERP 同步")
}
