package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestLeadDrawerPoolHistoryAndLinks: a rep claims a pooled lead and returns
// it from its drawer with a reason; the manager sees both returns (with
// their reasons) and the claim in the lead's history. A converted lead's
// drawer links to its customer's page, and names its contact and
// opportunity.
func TestLeadDrawerPoolHistoryAndLinks(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		env := apitest.Start(t, d)
		leadPoolHistory(t, env)
		leadConversionLinks(t, env)
	})
}

func leadPoolHistory(t *testing.T, env *apitest.Env) {
	const reason = "预算要到明年才批"
	_, leadID := eastPool(t, env, "钱多多", "多多乐器有限公司", 0)
	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-pools"))
	p.waitPath("/pools")
	p.click(tid("claim-" + leadID))
	p.waitText(".ant-message", "已领取")
	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.click(tid("row-" + leadID))
	p.click(".ant-drawer-open " + tid("lead-return"))
	p.fill(tid("lead-return-reason"), reason)
	p.click(tid("lead-return-submit"))
	p.waitText(".ant-message", "已退回公海")

	m := openPage(t, env, 1280, 900)
	m.goTo("/login")
	m.login("east1.manager@demo.local", demoPassword)
	m.goTo("/leads")
	m.click(tid("row-" + leadID))
	m.click(".ant-drawer-open " + tid("lead-tab-history"))
	m.waitText(tid("lead-pool-events"), "公海记录", "退回公海", reason, "领取", "客户暂无需求", "华东一部公海")
	m.snap("lead-pool-history")
}

func leadConversionLinks(t *testing.T, env *apitest.Env) {
	const company = "链接测试科技有限公司"
	rep := env.Login(rep1Email, demoPassword)
	var l struct{ ID string }
	rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "林链接", "company": company}).Want(http.StatusCreated).JSON(&l)
	var cv struct {
		Customer    struct{ ID string }
		Opportunity struct{ Name string }
	}
	rep.Do("POST", "/api/v1/leads/"+l.ID+"/convert", map[string]any{"customer": map[string]any{}, "opportunity": map[string]any{
		"name": "链接测试一期", "amount": map[string]any{"amount": 100000, "currency": "CNY"},
		"expected_close": time.Now().AddDate(0, 2, 0).Format(time.DateOnly)}}).Want(http.StatusCreated).JSON(&cv)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/leads")
	p.click(tid("row-" + l.ID))
	p.waitText(".ant-drawer-open "+tid("lead-conversion"), "转化结果", company, "林链接", "链接测试一期")
	p.snap("lead-conversion-links")
	p.click(tid("lead-conversion-customer"))
	p.waitPath("/customers/" + cv.Customer.ID)
	p.waitText(tid("customer-title"), company)
}
