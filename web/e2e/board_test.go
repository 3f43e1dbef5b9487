package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

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

// newOpp creates an opportunity in a stage of the default pipeline through the API.
func newOpp(t *testing.T, c *apitest.Client, customerID, name string, amount int64, closeDay, stageID string) apiOpportunity {
	t.Helper()
	var o apiOpportunity
	c.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": customerID, "name": name, "stage_id": stageID,
		"amount": map[string]any{"amount": amount, "currency": "CNY"}, "expected_close": closeDay}).Want(http.StatusCreated).JSON(&o)
	return o
}

// TestBoardGateOnDrop: a forward move dropped on a column (not chosen in
// the menu) that the stage gate refuses opens the gate dialog naming the
// open tasks, and the card stays where it was, on the screen and the server.
func TestBoardGateOnDrop(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	stages := defaultStages(t, rep)
	o := newOpp(t, rep, createCustomer(t, rep, "拖放客户"), "拖放商机", 100000, "2026-12-31", stages["需求确认"])

	p := openPage(t, env, 1280, 900)
	p.login(rep1Email, demoPassword)
	p.goTo("/opportunities/board")
	card := tid("card-" + o.ID)
	p.waitText(tid("column-"+stages["需求确认"])+" "+card, "拖放商机")
	p.dragTo(card, tid("column-"+stages["报价"]))
	p.waitText(".ant-modal-content", "暂不能进入“报价”", "需求确认", "确认预算", "确认决策人")
	p.waitText(tid("column-"+stages["需求确认"])+" "+card+`[aria-busy="false"]`, "拖放商机")
	p.waitText(tid("column-count-"+stages["报价"]), "0")
	p.snap("board-gate-drop")
	if got := opportunityByName(t, rep, "拖放商机"); got == nil || got.StageName != "需求确认" {
		t.Fatalf("after the refused drop the server has %+v", got)
	}
	p.click(tid("gate-cancel"))
	p.waitGone(".ant-modal-content")
}

// TestBoardFilters: the owner and close-month filters narrow both the cards
// and the column headers' totals, which come from the server.
func TestBoardFilters(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		boardFilters(t, apitest.Start(t, d))
	})
}

func boardFilters(t *testing.T, env *apitest.Env) {
	rep, other := env.Login(rep1Email, demoPassword), env.Login("east2.rep1@demo.local", demoPassword)
	stages := defaultStages(t, rep)
	first := stages["初步接洽"]
	mine := newOpp(t, rep, createCustomer(t, rep, "筛选客户甲"), "李娜的商机", 10000000, "2026-12-31", first)
	theirs := newOpp(t, other, createCustomer(t, other, "筛选客户乙"), "杭州的商机", 5000000, "2027-01-15", first)
	count, amount, weighted := tid("column-count-"+first), tid("column-amount-"+first), tid("column-weighted-"+first)

	p := openPage(t, env, 1280, 900)
	p.login(directorEmail, demoPassword)
	p.goTo("/opportunities/board")
	p.waitText(tid("card-"+mine.ID), "李娜的商机")
	p.waitText(tid("card-"+theirs.ID), "杭州的商机")
	p.waitText(count, "2")
	p.waitText(amount, "¥150,000.00")
	p.waitText(weighted, "¥15,000.00")

	// The owner: only 李娜's card and totals.
	p.fill(tid("board-owner"), rep1Name)
	p.clickText(openDropdown+".ant-select-item-option", rep1Name)
	p.waitGone(tid("card-" + theirs.ID))
	p.waitText(tid("card-"+mine.ID), "李娜的商机")
	p.waitText(count, "1")
	p.waitText(amount, "¥100,000.00")
	p.waitText(weighted, "¥10,000.00")
	p.snap("board-filter-owner")

	// Cleared, then the close month: only the one closing in January 2027.
	p.click(tid("board-clear-filters"))
	p.waitText(tid("card-"+theirs.ID), "杭州的商机")
	p.waitText(count, "2")
	p.fill(tid("board-close-month"), "2027-01")
	p.press("\r")
	p.waitGone(tid("card-" + mine.ID))
	p.waitText(tid("card-"+theirs.ID), "杭州的商机")
	p.waitText(count, "1")
	p.waitText(amount, "¥50,000.00")
	p.waitText(weighted, "¥5,000.00")
	p.snap("board-filter-month")
}

// TestBoardCountBeyondFirstPage: a column holding more opportunities than
// it loads at once (50) heads with the server's exact count and sums, not
// "50+" of the cards loaded, and they follow a move.
func TestBoardCountBeyondFirstPage(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		boardCountBeyondFirstPage(t, apitest.Start(t, d))
	})
}

func boardCountBeyondFirstPage(t *testing.T, env *apitest.Env) {
	const n = 53
	rep := env.Login(rep1Email, demoPassword)
	stages := defaultStages(t, rep)
	first, second := stages["初步接洽"], stages["需求确认"]
	cust := createCustomer(t, rep, "批量客户")
	var last apiOpportunity
	for i := range n {
		last = newOpp(t, rep, cust, fmt.Sprintf("批量商机 %02d", i), 100000, "2026-12-31", first)
	}
	var sums struct {
		Stages []struct {
			StageID string `json:"stage_id"`
			Count   int    `json:"count"`
		}
	}
	rep.Do("GET", "/api/v1/opportunities/stage-totals", nil).Want(http.StatusOK).JSON(&sums)
	if len(sums.Stages) == 0 || sums.Stages[0].StageID != first || sums.Stages[0].Count != n {
		t.Fatalf("stage totals %+v, want %d in the first stage", sums, n)
	}

	p := openPage(t, env, 1280, 900)
	p.login(rep1Email, demoPassword)
	p.goTo("/opportunities/board")
	p.waitText(tid("column-count-"+first), strconv.Itoa(n))
	p.waitText(tid("column-amount-"+first), "¥53,000.00")
	p.waitText(tid("column-weighted-"+first), "¥5,300.00")
	// The headers may come before the cards: the column loads its first page of 50.
	p.waitJS("the column's first 50 cards", `document.querySelectorAll('[data-testid="column-`+first+`"] .rudder-board-card').length === 50`)
	if got := p.text(tid("column-count-" + first)); got != strconv.Itoa(n) {
		t.Fatalf("column count %q, want %d", got, n)
	}
	p.snap("board-count-53")
	// The newest card is on the first page: dragged on, both headers follow.
	p.dragTo(tid("card-"+last.ID), tid("column-"+second))
	p.waitText(tid("column-"+second)+" "+tid("card-"+last.ID)+`[aria-busy="false"]`, last.Name)
	p.waitText(tid("column-count-"+first), strconv.Itoa(n-1))
	p.waitText(tid("column-amount-"+first), "¥52,000.00")
	p.waitText(tid("column-count-"+second), "1")
	p.waitText(tid("column-weighted-"+second), "¥250.00")
}

// clickChartLabel clicks with the mouse, at its place on the screen, the
// label of a chart whose text starts with label (ECharts draws each funnel
// stage's label in the middle of its slice), once the chart stops moving.
func (p *page) clickChartLabel(chart, label string) {
	p.t.Helper()
	p.waitJS("the chart label "+label, fmt.Sprintf(`(() => {
  const box = document.querySelector(%s);
  if (!box) return false;
  box.scrollIntoView({ block: 'nearest' });
  const t = [...box.querySelectorAll('svg text')].find((x) => x.textContent.trim().startsWith(%s));
  if (!t) return false;
  const r = t.getBoundingClientRect();
  const key = [r.x, r.y, r.width, r.height].join(',');
  const still = window.__e2eChartRect === key;
  window.__e2eChartRect = key;
  window.__e2eChartXY = [r.x + r.width / 2, r.y + r.height / 2];
  if (!still || r.width === 0) return false;
  const hit = document.elementFromPoint(...window.__e2eChartXY);
  return !!hit && box.contains(hit);
})()`, js(chart), js(label)))
	xy, err := eval[[]float64](p.ctx, `window.__e2eChartXY`)
	if err != nil || len(xy) != 2 {
		p.fatalf("chart label %s: %v %v", label, xy, err)
	}
	p.do("click the chart at "+label, chromedp.MouseClickXY(xy[0], xy[1]))
}

// TestFunnelChartDrill: clicking a stage in the funnel chart (a real mouse
// click on the drawn slice) opens the drill-down with that stage's
// opportunities only.
func TestFunnelChartDrill(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	stages := defaultStages(t, rep)
	cust := createCustomer(t, rep, "漏斗客户")
	stay := newOpp(t, rep, cust, "停在初步接洽", 100000, "2026-12-31", stages["初步接洽"])
	on := newOpp(t, rep, cust, "进了需求确认", 200000, "2026-12-31", stages["初步接洽"])
	rep.Do("POST", "/api/v1/opportunities/"+on.ID+"/stage", map[string]any{"stage_id": stages["需求确认"]}, "If-Match", `"1"`).Want(http.StatusOK)

	p := openPage(t, env, 1280, 900)
	p.login(rep1Email, demoPassword)
	p.goTo("/analytics/funnel")
	p.waitText(tid("row-"+stages["需求确认"]), "需求确认")
	p.clickChartLabel(tid("funnel-chart"), "需求确认")
	drawer := ".ant-drawer-open "
	p.waitText(drawer+".ant-drawer-title", "需求确认")
	p.waitText(drawer+tid("row-"+on.ID), "进了需求确认", "¥2,000.00")
	p.waitGone(drawer + ".ant-spin-spinning")
	if p.within(pollEvery*5, `!!document.querySelector('.ant-drawer-open [data-testid="row-`+stay.ID+`"]')`) {
		t.Fatal("the drill-down into 需求确认 lists the opportunity still in 初步接洽")
	}
	p.snap("funnel-chart-drill")
}
