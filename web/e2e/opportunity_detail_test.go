package e2e

import (
	"net/http"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

const directorEmail = "director@demo.local"

// apiOppDetail is an opportunity with its evaluation, as the API answers it.
type apiOppDetail struct {
	apiOpportunity
	NeedScore        *int   `json:"need_score"`
	NeedNote         string `json:"need_note"`
	CompetitiveScore *int   `json:"competitive_score"`
	HealthScore      *int   `json:"health_score"`
	Competitor       string `json:"competitor"`
}

// seedOpp creates a customer and an opportunity of a user through the API.
func seedOpp(t *testing.T, c *apitest.Client, customer, name string, amount int64) apiOpportunity {
	t.Helper()
	var o apiOpportunity
	c.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": createCustomer(t, c, customer), "name": name,
		"amount": map[string]any{"amount": amount, "currency": "CNY"}, "expected_close": "2026-12-31"}).Want(http.StatusCreated).JSON(&o)
	return o
}

// clickStar gives a dimension of the evaluation n stars.
func (p *page) clickStar(dim string, n int) {
	p.t.Helper()
	p.click(tid("oppd-dim-"+dim) + " .ant-rate-star:nth-child(" + string(rune('0'+n)) + `) div[role="radio"]`)
}

// TestOpportunityDetail: a director opens a card of the board, evaluates it (all five 4 →
// health 75), sets a competitor and a new amount, sees both on the card and in the API,
// ticks a required task, and narrows the board to one of two teams.
func TestOpportunityDetail(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		opportunityDetail(t, apitest.Start(t, d))
	})
}

func opportunityDetail(t *testing.T, env *apitest.Env) {
	const name = "星海电子 ERP 项目"
	rep := env.Login(rep1Email, demoPassword)
	o := seedOpp(t, rep, "星海电子有限公司", name, 10000000)
	other := seedOpp(t, env.Login("east2.rep1@demo.local", demoPassword), "杭州云仓科技", "杭州云仓项目", 5000000)
	stages := defaultStages(t, rep)
	// In 需求确认, whose required tasks 确认预算 and 确认决策人 are made on entry.
	rep.Do("POST", "/api/v1/opportunities/"+o.ID+"/stage", map[string]any{"stage_id": stages["需求确认"]}, "If-Match", `"1"`).Want(http.StatusOK)

	p := openPage(t, env, 1280, 900)
	p.login(directorEmail, demoPassword)
	p.goTo("/opportunities/board")
	card := tid("card-" + o.ID)
	p.waitText(card, name, "¥100,000.00")
	p.waitText(tid("card-"+other.ID), "杭州云仓项目")

	// The move menu is no click on the card: it opens the menu, not the drawer.
	p.click(tid("card-move-" + o.ID))
	p.waitVisible(".ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item")
	if p.within(pollEvery*5, `!!document.querySelector('.ant-drawer-open')`) {
		t.Fatal("the move menu opened the detail drawer")
	}
	p.press("\x1b")

	// A click on the card opens its detail.
	p.click(card + " .rudder-board-card-customer")
	drawer := ".ant-drawer-open "
	p.waitText(drawer+".ant-drawer-title", name)
	p.waitText(tid("oppd-summary"), "星海电子有限公司", "需求确认 · 25%", "¥100,000.00", "¥25,000.00", "2026-12-31", rep1Name, "管道", "未评估")
	p.waitText(tid("oppd-tab-details"), "详情")

	for _, dim := range []string{"need", "budget", "decision_chain", "timeline", "competitive"} {
		p.clickStar(dim, 4)
	}
	p.waitText(tid("oppd-health-preview"), "75")
	p.fill(tid("oppd-note-need"), "预算已批")
	p.fill(tid("oppd-competitor"), "友商A")
	p.fill(tid("oppd-amount-input"), "150,000.5")
	p.snap("oppd-1-edit")
	p.click(tid("oppd-save"))
	p.waitText(tid("oppd-health"), "75")
	p.waitText(tid("oppd-amount"), "¥150,000.50")
	p.waitText(tid("oppd-weighted"), "¥37,500.13") // 25%, rounded half up
	p.waitText(card, "¥150,000.50", "健康度 75")

	var got apiOppDetail
	rep.Do("GET", "/api/v1/opportunities/"+o.ID, nil).Want(http.StatusOK).JSON(&got)
	if got.HealthScore == nil || *got.HealthScore != 75 || got.NeedScore == nil || *got.NeedScore != 4 || got.CompetitiveScore == nil ||
		*got.CompetitiveScore != 4 || got.NeedNote != "预算已批" || got.Competitor != "友商A" || got.Amount != (apiMoney{15000050, "CNY"}) {
		t.Fatalf("after saving the API has %+v", got)
	}

	// Tasks: tick 确认预算.
	var tasks struct{ Items []apiTask }
	rep.Do("GET", "/api/v1/opportunities/"+o.ID+"/tasks", nil).Want(http.StatusOK).JSON(&tasks)
	budget := ""
	for _, tk := range tasks.Items {
		if tk.Name == "确认预算" {
			budget = tk.ID
		}
	}
	if budget == "" {
		t.Fatalf("tasks %+v: no 确认预算", tasks.Items)
	}
	p.click(tid("oppd-tab-tasks"))
	p.waitText(tid("oppd-tasks"), "需求确认", "确认预算", "确认决策人")
	p.click(tid("oppd-tick-" + budget))
	p.waitText(tid("oppd-task-done-"+budget), "已完成")
	rep.Do("GET", "/api/v1/opportunities/"+o.ID+"/tasks", nil).Want(http.StatusOK).JSON(&tasks)
	for _, tk := range tasks.Items {
		if (tk.ID == budget) != (tk.DoneAt != nil) {
			t.Fatalf("tasks after ticking 确认预算: %+v", tasks.Items)
		}
	}
	p.snap("oppd-2-tasks")

	// Stage history and change history.
	p.click(tid("oppd-tab-stages"))
	p.waitText(tid("oppd-stages"), "创建于“初步接洽”", "初步接洽 → 需求确认")
	p.click(tid("oppd-tab-history"))
	p.waitText(tid("history"), "友商A")
	p.click(drawer + ".ant-drawer-close")
	p.waitGone(".ant-drawer-open")
	p.snap("oppd-3-card")

	// The team filter: 上海一组 keeps the east1 card, 杭州二组 the east2 one.
	p.chooseTree("board-team", "上海一组")
	p.waitGone(tid("card-" + other.ID))
	p.waitText(card, name)
	p.chooseTree("board-team", "杭州二组")
	p.waitGone(card)
	p.waitText(tid("card-"+other.ID), "杭州云仓项目")
	p.snap("oppd-4-team")
}

// TestOpportunityDetailNarrowEnglish: the detail drawer in English on a phone, without
// sideways page overflow.
func TestOpportunityDetailNarrowEnglish(t *testing.T) {
	const width = 375
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	o := seedOpp(t, rep, "Blue Harbor Ltd", "Harbor CRM rollout", 99999)

	p := openPage(t, env, width, 812)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.waitText(".rudder-auth-card", "Sign in")
	p.login(rep1Email, demoPassword)
	p.goTo("/opportunities/board")
	p.click(tid("card-"+o.ID) + " .rudder-board-card-customer")
	p.waitText(tid("oppd-summary"), "Blue Harbor Ltd", "Health score", "Not evaluated", "¥999.99")
	p.waitText(".ant-drawer-open .ant-tabs-nav", "Details", "Tasks", "Stage history", "Follow-ups")
	p.waitText(tid("oppd-form"), "Evaluation", "Decision chain", "Competitive position")
	p.checkNoOverflow(width)
	p.snap("oppd-narrow-top")
	p.clickStar("need", 5)
	p.clickStar("budget", 3)
	p.waitText(tid("oppd-health-preview"), "75")
	p.checkNoOverflow(width)
	p.snap("oppd-narrow")
}

// TestOpportunityContacts: the contacts of the customer are picked when an
// opportunity is created and changed in its detail, which names each with
// its decision role; the API keeps the same list.
func TestOpportunityContacts(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	const customer = "联系人测试有限公司"
	cust := createCustomer(t, rep, customer)
	contact := func(name, role string) string {
		var c struct{ ID string }
		rep.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": cust, "name": name, "decision_role": role}).Want(http.StatusCreated).JSON(&c)
		return c.ID
	}
	boss, engineer := contact("王总", "decision_maker"), contact("张工", "user")
	contactsOf := func(id string) []string {
		t.Helper()
		var o struct {
			ContactIDs []string `json:"contact_ids"`
		}
		rep.Do("GET", "/api/v1/opportunities/"+id, nil).Want(http.StatusOK).JSON(&o)
		return o.ContactIDs
	}

	p := openPage(t, env, 1280, 900)
	p.login(rep1Email, demoPassword)
	p.goTo("/opportunities/board")
	p.click(tid("create-opp"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建商机")
	p.fill(tid("opp-customer"), "联系人测试")
	p.clickText(openDropdown+".ant-select-item-option", customer)
	p.openSelect("opp-contacts", openDropdown+".ant-select-item-option", "王总")
	p.waitText(openDropdown+tid("contact-option-"+boss), "王总", "决策者")
	p.clickText(openDropdown+".ant-select-item-option", "王总")
	p.waitText(tid("opp-contacts")+" .ant-select-selection-item", "王总")
	p.press("\x1b")
	p.fill(tid("opp-name"), "联系人商机")
	p.fill(tid("opp-amount"), "1000")
	p.fill(tid("opp-expected-close"), "2026-12-31")
	p.press("\r")
	p.snap("opp-contacts-create")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("opp-name"))
	o := opportunityByName(t, rep, "联系人商机")
	if o == nil {
		t.Fatal("the opportunity was not created")
	}
	if got := contactsOf(o.ID); len(got) != 1 || got[0] != boss {
		t.Fatalf("created with contacts %v, want [%s]", got, boss)
	}

	// The detail names the contact and its role; 张工 is added in the form.
	p.click(tid("card-"+o.ID) + " .rudder-board-card-customer")
	p.waitText(tid("oppd-contact-"+boss), "王总", "决策者")
	p.waitText(tid("oppd-contacts-input")+" .ant-select-selection-item", "王总")
	p.openSelect("oppd-contacts-input", openDropdown+".ant-select-item-option", "张工")
	p.clickText(openDropdown+".ant-select-item-option", "张工")
	p.press("\x1b")
	p.click(tid("oppd-save"))
	p.waitText(tid("oppd-contact-"+engineer), "张工", "使用者")
	p.waitText(tid("oppd-contact-"+boss), "王总")
	p.snap("opp-contacts-detail")
	got := contactsOf(o.ID)
	if len(got) != 2 || !(got[0] == boss && got[1] == engineer || got[0] == engineer && got[1] == boss) {
		t.Fatalf("after saving the contacts are %v, want %s and %s", got, boss, engineer)
	}
}
