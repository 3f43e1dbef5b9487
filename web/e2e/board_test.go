package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiMoney struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type apiOpportunity struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	StageID          string   `json:"stage_id"`
	StageName        string   `json:"stage_name"`
	CustomerName     string   `json:"customer_name"`
	OwnerName        string   `json:"owner_name"`
	Amount           apiMoney `json:"amount"`
	WeightedAmount   apiMoney `json:"weighted_amount"`
	ExpectedClose    string   `json:"expected_close"`
	ForecastCategory string   `json:"forecast_category"`
	Version          int64    `json:"version"`
}

type apiTask struct {
	ID        string  `json:"id"`
	StageName string  `json:"stage_name"`
	Name      string  `json:"name"`
	DoneAt    *string `json:"done_at"`
}

// defaultStages maps the default pipeline's stage names to their ids.
func defaultStages(t *testing.T, c *apitest.Client) map[string]string {
	t.Helper()
	var page struct {
		Items []struct {
			IsDefault bool `json:"is_default"`
			Stages    []struct{ ID, Name string }
		}
	}
	c.Do("GET", "/api/v1/pipelines", nil).Want(http.StatusOK).JSON(&page)
	for _, p := range page.Items {
		if p.IsDefault {
			m := map[string]string{}
			for _, s := range p.Stages {
				m[s.Name] = s.ID
			}
			return m
		}
	}
	t.Fatal("no default pipeline")
	return nil
}

func createCustomer(t *testing.T, c *apitest.Client, name string) string {
	t.Helper()
	var cu struct{ ID string }
	c.Do("POST", "/api/v1/customers", map[string]any{"name": name}).Want(http.StatusCreated).JSON(&cu)
	return cu.ID
}

func opportunityByName(t *testing.T, c *apitest.Client, name string) *apiOpportunity {
	t.Helper()
	var page struct{ Items []apiOpportunity }
	c.Do("GET", "/api/v1/opportunities?limit=100&q="+url.QueryEscape(name), nil).Want(http.StatusOK).JSON(&page)
	for _, o := range page.Items {
		if o.Name == name {
			return &o
		}
	}
	return nil
}

// dragTo drags the element matching src onto the element matching dst with
// the HTML5 drag-and-drop events a browser sends (dragstart, dragenter,
// dragover, drop, dragend) sharing one DataTransfer.
func (p *page) dragTo(src, dst string) {
	p.t.Helper()
	from, to := p.mark(src, ""), p.mark(dst, "")
	_, err := eval[bool](p.ctx, fmt.Sprintf(`(() => {
  const s = document.querySelector(%s), d = document.querySelector(%s);
  const dt = new DataTransfer();
  const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  fire(s, 'dragstart');
  fire(d, 'dragenter');
  fire(d, 'dragover');
  fire(d, 'drop');
  fire(s, 'dragend');
  return true;
})()`, js(from), js(to)))
	if err != nil {
		p.fatalf("drag %s to %s: %v", src, dst, err)
	}
}

// moveCard moves a card with its "move to" menu.
func (p *page) moveCard(id, stage string) {
	p.t.Helper()
	p.click(tid("card-move-" + id))
	p.clickText(".ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item", stage)
}

// TestBoardFlow is a rep's opportunity on the board, in Chinese: created in
// the drawer, dragged to 需求确认, refused at the gate toward 报价 with the
// open tasks listed, ticked in the refusal and moved on, won, and found in
// the funnel and its drill-down.
func TestBoardFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		boardFlow(t, apitest.Start(t, d))
	})
}

func boardFlow(t *testing.T, env *apitest.Env) {
	const (
		customer = "星海电子有限公司"
		name     = "星海电子 ERP 项目"
		shown    = "¥128,000.50"
	)
	rep := env.Login(rep1Email, demoPassword)
	createCustomer(t, rep, customer)
	stages := defaultStages(t, rep)
	column := func(stage string) string { return tid("column-" + stages[stage]) }

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-board"))
	p.waitPath("/opportunities/board")
	p.waitText(".ant-breadcrumb", "销售", "商机看板")
	p.waitText(column("初步接洽"), "初步接洽", "10%", "暂无商机")
	p.waitText(column("赢单"), "赢单")

	// A new opportunity through the drawer: the amount is typed in yuan.
	p.click(tid("create-opp"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建商机")
	p.fill(tid("opp-customer"), "星海")
	p.clickText(openDropdown+".ant-select-item-option", customer)
	p.waitText(tid("opp-customer")+" .ant-select-selection-item", customer)
	p.fill(tid("opp-name"), name)
	p.fill(tid("opp-amount"), "128,000.50")
	p.fill(tid("opp-expected-close"), "2026-12-31")
	p.press("\r")
	p.snap("board-1-create")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("opp-name"))

	o := opportunityByName(t, rep, name)
	if o == nil {
		t.Fatalf("opportunity %s was not created", name)
	}
	if o.Amount != (apiMoney{12800050, "CNY"}) || o.StageName != "初步接洽" || o.CustomerName != customer || o.ExpectedClose != "2026-12-31" || o.OwnerName != rep1Name {
		t.Fatalf("created %+v, want 12800050 CNY in 初步接洽 for %s closing 2026-12-31 owned by %s", o, customer, rep1Name)
	}
	card := tid("card-" + o.ID)
	// settled is the card once the server has answered its move.
	settled := card + `[aria-busy="false"]`
	p.waitText(column("初步接洽")+" "+card, name, customer, shown, rep1Name, "2026-12-31")
	p.waitText(tid("column-count-"+stages["初步接洽"]), "1")
	p.waitText(tid("column-amount-"+stages["初步接洽"]), shown)
	p.waitText(tid("column-weighted-"+stages["初步接洽"]), "¥12,800.05") // 10%, rounded half up
	p.waitGone(".ant-drawer-content-wrapper")
	p.snap("board-2-created")

	// Dragged to 需求确认.
	p.dragTo(card, column("需求确认"))
	p.waitText(column("需求确认")+" "+settled, name)
	p.waitText(tid("column-weighted-"+stages["需求确认"]), "¥32,000.13") // 25% of 128,000.50
	wantStage := func(stage string) *apiOpportunity {
		t.Helper()
		got := opportunityByName(t, rep, name)
		if got == nil || got.StageName != stage {
			t.Fatalf("the server has %+v, want it in %s", got, stage)
		}
		return got
	}
	wantStage("需求确认")

	// Toward 报价: refused while 确认预算 and 确认决策人 are open; the card stays.
	p.moveCard(o.ID, "报价")
	modal := ".ant-modal-content"
	p.waitText(modal, "暂不能进入“报价”", "确认预算", "确认决策人")
	p.waitText(column("需求确认")+" "+settled, name)
	p.snap("board-3-gate")
	wantStage("需求确认")
	p.click(tid("gate-tick-0"))
	p.waitText(tid("gate-task-0"), "已完成")
	p.click(tid("gate-tick-1"))
	p.waitText(tid("gate-task-1"), "已完成")
	var tasks struct{ Items []apiTask }
	rep.Do("GET", "/api/v1/opportunities/"+o.ID+"/tasks", nil).Want(http.StatusOK).JSON(&tasks)
	done := 0
	for _, tk := range tasks.Items {
		if tk.StageName == "需求确认" && tk.DoneAt != nil {
			done++
		}
	}
	if done != 2 {
		t.Fatalf("tasks after ticking: %+v, want both of 需求确认 done", tasks.Items)
	}
	p.waitJS("retry enabled", `!document.querySelector('[data-testid="gate-retry"]').disabled`)
	p.click(tid("gate-retry"))
	p.waitGone(modal)
	p.waitText(column("报价")+" "+settled, name)
	wantStage("报价")

	// 提交报价单 done (through the API this time), then won.
	rep.Do("GET", "/api/v1/opportunities/"+o.ID+"/tasks", nil).Want(http.StatusOK).JSON(&tasks)
	for _, tk := range tasks.Items {
		if tk.Name == "提交报价单" {
			rep.Do("POST", "/api/v1/opportunities/"+o.ID+"/tasks/"+tk.ID+"/done", nil).Want(http.StatusOK)
		}
	}
	p.moveCard(o.ID, "赢单")
	p.waitText(column("赢单")+" "+settled, name, shown)
	p.waitText(tid("column-weighted-"+stages["赢单"]), shown)
	p.snap("board-4-won")
	if won := wantStage("赢单"); won.ForecastCategory != "closed" || won.WeightedAmount.Amount != 12800050 {
		t.Fatalf("won opportunity %+v, want forecast closed and the whole amount weighted", won)
	}

	// The funnel counts it, and its drill-down lists it.
	var funnel struct {
		Stages []struct {
			StageID string `json:"stage_id"`
			Count   int    `json:"count"`
		}
	}
	rep.Do("GET", "/api/v1/analytics/funnel", nil).Want(http.StatusOK).JSON(&funnel)
	wonCount := -1
	for _, s := range funnel.Stages {
		if s.StageID == stages["赢单"] {
			wonCount = s.Count
		}
	}
	if wonCount < 1 {
		t.Fatalf("the funnel API counts %d won, want ≥ 1", wonCount)
	}
	p.click(tid("nav-funnel"))
	p.waitPath("/analytics/funnel")
	p.waitText(".ant-breadcrumb", "销售", "销售漏斗")
	wonRow := tid("row-" + stages["赢单"])
	p.waitText(wonRow, "赢单", shown)
	p.waitText(".ant-table-thead", "阶段", "商机数", "金额", "加权金额", "转化率")
	p.waitJS("the chart to show the stages", `(() => { const s = document.querySelector('[data-testid="funnel-chart"] svg'); return !!s && s.textContent.includes('赢单') && s.textContent.includes('初步接洽'); })()`)
	cell, err := eval[string](p.ctx, `document.querySelector('[data-testid="row-`+stages["赢单"]+`"] td:nth-child(2)').innerText`)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := strconv.Atoi(cell); err != nil || n != wonCount {
		t.Fatalf("the funnel table counts %q won, want %d", cell, wonCount)
	}
	p.snap("board-5-funnel")
	p.click(wonRow + " td:first-child")
	p.waitText(".ant-drawer-open .ant-drawer-title", "赢单")
	p.waitText(".ant-drawer-open "+tid("row-"+o.ID), name, customer, shown, rep1Name)
	p.snap("board-6-drill")
}

// TestBoardNarrowEnglish: the board and the funnel in English on a phone:
// the columns scroll sideways inside the board, the page does not.
func TestBoardNarrowEnglish(t *testing.T) {
	const width = 375
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	cu := createCustomer(t, rep, "Blue Harbor Ltd")
	var o apiOpportunity
	rep.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cu, "name": "Harbor CRM rollout",
		"amount": map[string]any{"amount": 99999, "currency": "CNY"}, "expected_close": "2026-11-30"}).Want(http.StatusCreated).JSON(&o)

	p := openPage(t, env, width, 812)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.waitText(".rudder-auth-card", "Sign in")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-toggle"))
	p.waitText(tid("nav-drawer"), "Sales", "Pipeline board", "Funnel")
	p.click(tid("nav-board"))
	p.waitPath("/opportunities/board")
	p.waitGone(tid("nav-board"))
	p.waitText(tid("card-"+o.ID), "Harbor CRM rollout", "Blue Harbor Ltd", "¥999.99")
	p.waitText(tid("board"), "Amount", "Weighted", "Won", "Lost")
	p.checkNoOverflow(width)
	scrolls, err := eval[bool](p.ctx, `(() => { const b = document.querySelector('[data-testid="board"]'); return b.scrollWidth > b.clientWidth + 100; })()`)
	if err != nil || !scrolls {
		t.Errorf("the board does not scroll sideways on a phone (%v)", err)
	}
	p.snap("board-narrow-1")
	p.moveCard(o.ID, "输单")
	p.waitText(".ant-modal-content", "Lost: Harbor CRM rollout")
	p.click(tid("loss-ok"))
	p.waitText(".ant-modal-content", "Enter the reason it was lost")
	p.fill(tid("loss-reason"), "Budget frozen")
	p.snap("board-narrow-2-lost")
	p.click(tid("loss-ok"))
	p.waitGone(".ant-modal-content")
	lost := opportunityByName(t, rep, "Harbor CRM rollout")
	if lost == nil || lost.StageName != "输单" {
		t.Fatalf("after losing the server has %+v", lost)
	}

	p.goTo("/analytics/funnel")
	p.waitText(".ant-table-thead", "Stage", "Opportunities", "Conversion")
	p.waitText(".ant-table-tbody", "输单", "初步接洽")
	p.waitGone(".ant-table .ant-spin-spinning")
	p.waitJS("the chart", `(() => { const s = document.querySelector('[data-testid="funnel-chart"] svg'); return !!s && s.textContent.includes('初步接洽'); })()`)
	p.checkNoOverflow(width)
	cw, err := eval[float64](p.ctx, `document.querySelector('[data-testid="funnel-chart"]').getBoundingClientRect().width`)
	if err != nil || cw > width {
		t.Errorf("the funnel chart is %.0f px wide on a %d px screen (%v)", cw, width, err)
	}
	p.snap("board-narrow-3-funnel")
}
