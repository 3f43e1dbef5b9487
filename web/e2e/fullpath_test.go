package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestLeadToWonPath is the front half of lead-to-cash as people click it: a
// manager enters a web lead and sees the duplicate warning, assigns it by the
// rules to a rep of the team, the rep returns it to the pool, a colleague
// claims it, follows it up, converts it into a customer with an opportunity,
// moves that on the board through a refused gate to won, and the funnel
// shows it. Each step is checked in the API as well as on the screen.
func TestLeadToWonPath(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		leadToWon(t, apitest.Start(t, d))
	})
}

func leadToWon(t *testing.T, env *apitest.Env) {
	const (
		contact, company, phone = "钱学文", "航天动力科技有限公司", "13911223344"
		managerEmail            = "east1.manager@demo.local"
	)
	admin := env.Login(adminEmail, demoPassword)
	team := map[string]*apiUser{}
	for _, e := range []string{rep1Email, rep2Email, "east1.rep3@demo.local"} {
		team[e] = userByEmail(t, admin, e)
	}
	dept := *team[rep1Email].DepartmentID
	var pool struct{ ID string }
	admin.Do("POST", "/api/v1/pools", map[string]any{"name": "上海一组公海", "department_id": dept, "claim_limit": 30,
		"reclaim_cooldown_days": 3, "member_ids": []string{team[rep1Email].ID, team[rep2Email].ID, team["east1.rep3@demo.local"].ID}}).
		Want(http.StatusCreated).JSON(&pool)
	admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "官网线索给上海一组", "department_id": dept,
		"conditions": map[string]any{"source": "官网表单"}}).Want(http.StatusCreated)
	// Someone already has a lead with this phone.
	env.Login("east1.rep3@demo.local", demoPassword).Do("POST", "/api/v1/leads",
		map[string]any{"contact_name": "钱先生", "company": "航天动力", "phone": phone}).Want(http.StatusCreated)

	// 1. The manager enters the web lead: warned, refused, created anyway, then assigned by the rules.
	manager := env.Login(managerEmail, demoPassword)
	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(managerEmail, demoPassword)
	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.click(tid("create-lead"))
	p.fill(tid("lead-contact-name"), contact)
	p.fill(tid("lead-company"), company)
	p.fill(tid("lead-phone"), phone)
	p.fill(tid("lead-source"), "官网表单")
	p.waitText(tid("lead-duplicates"), "疑似重复", "钱先生", "手机号")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitText(tid("lead-duplicates"), "未创建")
	p.click(tid("lead-allow-duplicate"))
	p.waitGone(".ant-drawer-open " + tid("lead-contact-name"))
	l := leadByName(t, manager, contact)
	if l == nil || l.Source != "官网表单" {
		t.Fatalf("the web lead was not created: %+v", l)
	}
	p.click(tid("row-" + l.ID))
	p.waitVisible(".ant-drawer-open " + tid("lead-assign"))
	p.click(tid("lead-assign"))
	p.fill(tid("lead-assign-reason"), "官网线索按规则分配")
	p.click(tid("lead-assign-submit"))
	p.waitText(".ant-message", "已分配")
	manager.Do("GET", "/api/v1/leads/"+l.ID, nil).Want(http.StatusOK).JSON(l)
	var first, second string // who the rule gave it to, and the colleague who claims it
	for e, u := range team {
		if l.OwnerID != nil && *l.OwnerID == u.ID {
			first = e
		}
	}
	if first == "" {
		t.Fatalf("the rule gave the lead to %v, not to a rep of the team", l.OwnerID)
	}
	for _, e := range []string{rep1Email, rep2Email, "east1.rep3@demo.local"} {
		if e != first && second == "" {
			second = e
		}
	}

	// 2. The rep it went to returns it to the pool.
	p = openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(first, demoPassword)
	p.click(tid("nav-leads"))
	p.click(tid("row-" + l.ID))
	p.waitVisible(".ant-drawer-open " + tid("lead-return"))
	p.click(tid("lead-return"))
	p.fill(tid("lead-return-reason"), "客户要求下季度再联系")
	p.click(tid("lead-return-submit"))
	p.waitText(".ant-message", "已退回公海")
	if !poolLeadIDs(t, manager, pool.ID)[l.ID] {
		t.Fatal("the returned lead is not in the pool")
	}

	// 3. A colleague claims it, follows it up and converts it with an opportunity.
	rep := env.Login(second, demoPassword)
	p = openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(second, demoPassword)
	p.click(tid("nav-pools"))
	p.waitPath("/pools")
	p.click(tid("claim-" + l.ID))
	p.waitText(".ant-message", "已领取")
	p.click(tid("nav-leads"))
	p.click(tid("row-" + l.ID))
	p.click(tid("lead-tab-activities"))
	p.click(tid("log-activity-open"))
	p.fill(tid("log-title"), "电话沟通需求")
	p.click(tid("log-submit"))
	p.waitText(tid("activity-history"), "电话沟通需求")
	var after apiLead
	rep.Do("GET", "/api/v1/leads/"+l.ID, nil).Want(http.StatusOK).JSON(&after)
	if after.Status != "contacted" || after.OwnerID == nil || *after.OwnerID != team[second].ID {
		t.Fatalf("after the claim and the call the lead is %+v, want contacted and %s's", after, second)
	}
	p.click(tid("lead-convert"))
	p.waitText(".ant-modal-content", "转为客户", contact)
	p.click(tid("lead-convert-with-opp"))
	p.fill(tid("lead-convert-amount"), "500000")
	p.fill(tid("lead-convert-close"), time.Now().AddDate(0, 3, 0).Format(time.DateOnly))
	p.press("\r")
	p.click(tid("lead-convert-submit"))
	p.waitText(".ant-message", "已转为客户："+company)
	p.waitJS("the customer page", `location.pathname.startsWith('/customers/')`)
	o := opportunityByName(t, rep, company)
	if o == nil || o.Amount != (apiMoney{50000000, "CNY"}) || o.StageName != "初步接洽" || o.CustomerName != company {
		t.Fatalf("the conversion's opportunity: %+v", o)
	}

	// 4. On the board: forward, refused at the gate, tasks ticked, on to won.
	stages := defaultStages(t, rep)
	column := func(stage string) string { return tid("column-" + stages[stage]) }
	settled := tid("card-"+o.ID) + `[aria-busy="false"]`
	p.click(tid("nav-board"))
	p.waitPath("/opportunities/board")
	p.waitText(column("初步接洽")+" "+settled, company)
	p.moveCard(o.ID, "需求确认")
	p.waitText(column("需求确认")+" "+settled, company)
	p.moveCard(o.ID, "报价")
	p.waitText(".ant-modal-content", "确认预算", "确认决策人")
	p.click(tid("gate-tick-0"))
	p.waitText(tid("gate-task-0"), "已完成")
	p.click(tid("gate-tick-1"))
	p.waitText(tid("gate-task-1"), "已完成")
	p.waitJS("retry enabled", `!document.querySelector('[data-testid="gate-retry"]').disabled`)
	p.click(tid("gate-retry"))
	p.waitText(column("报价")+" "+settled, company)
	p.moveCard(o.ID, "赢单")
	p.waitText(".ant-modal-content", "提交报价单")
	p.click(tid("gate-tick-0"))
	p.waitText(tid("gate-task-0"), "已完成")
	p.waitJS("retry enabled", `!document.querySelector('[data-testid="gate-retry"]').disabled`)
	p.click(tid("gate-retry"))
	p.waitText(column("赢单")+" "+settled, company, "¥500,000.00")
	if won := opportunityByName(t, rep, company); won == nil || won.StageName != "赢单" {
		t.Fatalf("after the board the opportunity is %+v", won)
	}

	// 5. The funnel shows it won, in the API and on the page.
	p.click(tid("nav-funnel"))
	p.waitPath("/analytics/funnel")
	p.waitText(tid("row-"+stages["赢单"]), "赢单", "1", "¥500,000.00")
	var funnel struct {
		Stages []struct {
			StageID string `json:"stage_id"`
			Count   int    `json:"count"`
			Entered int    `json:"entered"`
		}
	}
	rep.Do("GET", "/api/v1/analytics/funnel", nil).Want(http.StatusOK).JSON(&funnel)
	for _, s := range funnel.Stages {
		if s.StageID == stages["赢单"] && (s.Count != 1 || s.Entered != 1) {
			t.Fatalf("the funnel's won stage: %+v, want the one opportunity", s)
		}
	}
	p.snap("fullpath-funnel")
}
