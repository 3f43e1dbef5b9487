package e2e

import (
	"net/http"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestOffboard: an administrator offboards a rep (离职交接) from the users
// page to a colleague: the modal shows what moved, the API shows the rep's
// leads owned by the successor and the rep disabled; then the same in
// English on a phone-sized screen, for a rep who owns nothing.
func TestOffboard(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		offboardFlow(t, apitest.Start(t, d))
	})
}

func offboardFlow(t *testing.T, env *apitest.Env) {
	admin := env.Login(adminEmail, demoPassword)
	leaving, successor := userByEmail(t, admin, rep1Email), userByEmail(t, admin, rep2Email)
	var leads []string
	for _, name := range []string{"交接甲", "交接乙"} {
		var l struct{ ID string }
		admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": name, "owner_id": leaving.ID, "allow_duplicate": true}).
			Want(http.StatusCreated).JSON(&l)
		leads = append(leads, l.ID)
	}
	var cust struct{ ID string }
	admin.Do("POST", "/api/v1/customers", map[string]any{"name": "交接测试有限公司", "owner_id": leaving.ID}).Want(http.StatusCreated).JSON(&cust)
	admin.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": cust.ID, "name": "钱经理"}).Want(http.StatusCreated)
	admin.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cust.ID, "name": "交接商机", "owner_id": leaving.ID,
		"amount": map[string]any{"amount": 100000, "currency": "CNY"}, "expected_close": "2030-06-30"}).Want(http.StatusCreated)
	admin.Do("POST", "/api/v1/activities", map[string]any{"kind": "task", "subject_type": "customer", "subject_id": cust.ID,
		"title": "回访", "due_at": "2030-01-01T00:00:00Z", "owner_id": leaving.ID}).Want(http.StatusCreated)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.click(tid("nav-users"))
	p.waitPath("/admin/users")
	p.waitText(tid("row-"+leaving.ID), leaving.Name, "在职")
	// Not offered for oneself.
	p.waitGone(tid("offboard-" + userByEmail(t, admin, adminEmail).ID))
	p.click(tid("offboard-" + leaving.ID))
	p.waitText(".ant-modal-title", "离职交接："+leaving.Name)
	// The successor is required, and the one leaving is not offered.
	p.click(tid("offboard-next"))
	p.waitText(".ant-modal-body .ant-form-item-explain", "接手人")
	p.openSelect("offboard-successor", openDropdown+".ant-select-item-option", successor.Name)
	if offered, err := eval[bool](p.ctx, `!!find(`+js(openDropdown+".ant-select-item-option")+`, `+js(leaving.Name)+`)`); err != nil || offered {
		t.Errorf("the successor picker offers the user leaving, %s", leaving.Name)
	}
	p.clickText(openDropdown+".ant-select-item-option", successor.Name)
	p.waitText(tid("offboard-successor")+" .ant-select-selection-item", successor.Name)
	p.click(tid("offboard-next"))
	p.waitText(tid("offboard-warning"), leaving.Name, successor.Name, "无法撤销")
	p.shot("offboard-1-confirm")
	// Back keeps the choice.
	p.clickText(".ant-modal-footer button", "上一步")
	p.waitText(tid("offboard-successor")+" .ant-select-selection-item", successor.Name)
	p.click(tid("offboard-next"))
	p.waitText(tid("offboard-warning"), successor.Name)
	// Nothing moved before the confirmation.
	if n := ownedLeads(t, admin, successor.ID); n != 0 {
		t.Fatalf("successor owns %d leads before the confirmation", n)
	}
	p.click(tid("offboard-confirm"))
	p.waitText(".ant-modal-body", "已交接给 "+successor.Name, leaving.Name+" 的账号已停用")
	for id, want := range map[string]string{"leads": "2", "customers": "1", "contacts": "1", "opportunities": "1", "activities": "1"} {
		if got := p.text(tid("offboard-count-" + id)); got != want {
			t.Errorf("count %s shows %q, want %s", id, got, want)
		}
	}
	p.waitText(tid("offboard-result"), "线索", "客户", "联系人", "商机", "未完成的任务和计划")
	p.shot("offboard-2-done")

	// The API agrees: the leads are the successor's, the user is disabled.
	for _, id := range leads {
		var l struct {
			OwnerID *string `json:"owner_id"`
		}
		admin.Do("GET", "/api/v1/leads/"+id, nil).Want(http.StatusOK).JSON(&l)
		if l.OwnerID == nil || *l.OwnerID != successor.ID {
			t.Errorf("lead %s is owned by %v, want the successor %s", id, l.OwnerID, successor.ID)
		}
	}
	if u := userByEmail(t, admin, rep1Email); u.Status != "disabled" {
		t.Errorf("the offboarded user is %s, want disabled", u.Status)
	}
	p.click(tid("offboard-close"))
	p.waitGone(tid("offboard-result"))
	// The row shows the user disabled, with no offboarding action left.
	p.waitText(tid("row-"+leaving.ID), "已停用", "启用")
	p.waitGone(tid("offboard-" + leaving.ID))

	offboardEnglishPhone(t, env, admin)
}

// ownedLeads counts the leads a user owns.
func ownedLeads(t *testing.T, c *apitest.Client, userID string) int {
	t.Helper()
	var page struct{ Items []struct{ ID string } }
	c.Do("GET", "/api/v1/leads?limit=500&owner_id="+userID, nil).Want(http.StatusOK).JSON(&page)
	return len(page.Items)
}

// offboardEnglishPhone offboards a rep who owns nothing, in English on a
// 375 px screen: the counts are zeros and nothing scrolls sideways.
func offboardEnglishPhone(t *testing.T, env *apitest.Env, admin *apitest.Client) {
	const width = 375
	leaving, successor := userByEmail(t, admin, "east1.rep3@demo.local"), userByEmail(t, admin, rep2Email)
	p := openPage(t, env, width, 812)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.waitText(".rudder-auth-card", "Sign in")
	p.login(adminEmail, demoPassword)
	p.goTo("/admin/users")
	p.waitText(tid("row-"+leaving.ID), leaving.Name)
	p.click(tid("offboard-" + leaving.ID))
	p.waitText(".ant-modal-title", "Offboard "+leaving.Name)
	p.waitText(".ant-modal-body", "Successor")
	p.checkNoOverflow(width)
	p.shot("offboard-3-phone-en")
	p.choose("offboard-successor", successor.Name)
	p.click(tid("offboard-next"))
	p.waitText(tid("offboard-warning"), "cannot be undone", successor.Name)
	p.click(tid("offboard-confirm"))
	p.waitText(".ant-modal-body", "Handed over to "+successor.Name, "Leads", "Open tasks and plans")
	if got := p.text(tid("offboard-count-leads")); got != "0" {
		t.Errorf("English count of leads shows %q, want 0", got)
	}
	p.checkNoOverflow(width)
	p.shot("offboard-4-phone-en-done")
	if u := userByEmail(t, admin, "east1.rep3@demo.local"); u.Status != "disabled" {
		t.Errorf("the offboarded user is %s, want disabled", u.Status)
	}
}
