package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiScoringModel struct {
	Version int64            `json:"version"`
	Default bool             `json:"default"`
	Grades  map[string]int64 `json:"grades"`
}

// scoreOf reads a customer's score and grade.
func scoreOf(t *testing.T, c *apitest.Client, id string) (int, string) {
	t.Helper()
	m := c.Do("GET", "/api/v1/customers/"+id, nil).Want(http.StatusOK).Map()
	g, _ := m["grade"].(string)
	return int(m["score"].(float64)), g
}

// TestScoringModelGrades: the admin lowers the grade thresholds on the
// scoring model page and saves; the API has the new model and, as the page
// says, the customers are rescored at once: a customer at 40 points goes
// from C to A.
func TestScoringModelGrades(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		scoringModelGrades(t, apitest.Start(t, d))
	})
}

func scoringModelGrades(t *testing.T, env *apitest.Env) {
	admin := env.Login(adminEmail, demoPassword)
	var cu struct{ ID string }
	// The default model: 制造业 10 + enterprise 20 + revenue ≥ 1亿元 10 = 40 of 100.
	admin.Do("POST", "/api/v1/customers", map[string]any{"name": "重工机械有限公司", "industry": "制造业", "size": "enterprise",
		"annual_revenue": int64(20_000_000_000)}).Want(http.StatusCreated).JSON(&cu)
	if s, g := scoreOf(t, admin, cu.ID); s != 40 || g != "C" {
		t.Fatalf("before: score %d grade %s, want 40 C", s, g)
	}
	var before apiScoringModel
	admin.Do("GET", "/api/v1/scoring-model", nil).Want(http.StatusOK).JSON(&before)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.click(tid("nav-scoring"))
	p.waitPath("/admin/scoring")
	p.waitText(tid("scoring-page"), "版本 1", "A 级不低于")
	p.waitVisible(tid("scoring-default"))
	p.waitJS("the grade A threshold from the model", fmt.Sprintf(`document.querySelector(%s).value === %s`,
		js(tid("scoring-grade-a")+", "+tid("scoring-grade-a")+" input"), js(fmt.Sprint(before.Grades["a"]))))
	p.fill(tid("scoring-grade-c"), "10")
	p.fill(tid("scoring-grade-b"), "30")
	p.fill(tid("scoring-grade-a"), "40")
	p.snap("scoring-1-grades")
	p.click(tid("scoring-save"))
	p.waitText(".ant-message", "评分模型已保存，所有客户已重新评分")
	p.waitText(tid("scoring-page"), "版本 2")
	p.waitGone(tid("scoring-default"))

	var after apiScoringModel
	admin.Do("GET", "/api/v1/scoring-model", nil).Want(http.StatusOK).JSON(&after)
	if after.Version != 2 || after.Default || after.Grades["a"] != 40 || after.Grades["b"] != 30 || after.Grades["c"] != 10 {
		t.Fatalf("the model after saving: %+v", after)
	}
	if s, g := scoreOf(t, admin, cu.ID); s != 40 || g != "A" {
		t.Fatalf("after: score %d grade %s, want 40 A", s, g)
	}
	// The customer list shows the new grade.
	p.goTo("/customers?q=" + url.QueryEscape("重工机械"))
	p.waitText(".ant-table-tbody", "重工机械有限公司", "A")
}

type apiMatrix struct {
	Total int `json:"total"`
	Cells []struct {
		Value     string `json:"value"`
		Potential string `json:"potential"`
		Count     int    `json:"count"`
	} `json:"cells"`
}

// TestCustomerMatrixDrill: the value × potential matrix shows the API's
// count in each of its nine cells; a click on the high-value cell opens its
// customers (the won customer, not the one with only an open deal), and on
// the medium-potential cell the other.
func TestCustomerMatrixDrill(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		customerMatrixDrill(t, apitest.Start(t, d))
	})
}

func customerMatrixDrill(t *testing.T, env *apitest.Env) {
	rep := env.Login(rep1Email, demoPassword)
	stages := defaultStages(t, rep)
	big := createCustomer(t, rep, "大客户矩阵")
	o := newOpp(t, rep, big, "大单", 200_000_000, "2030-06-30", stages["拟定合同"])
	cur := rep.Do("GET", "/api/v1/opportunities/"+o.ID, nil).Want(http.StatusOK)
	rep.Do("POST", "/api/v1/opportunities/"+o.ID+"/stage", map[string]any{"stage_id": stages["赢单"]}, "If-Match", cur.Header.Get("ETag")).
		Want(http.StatusOK)
	hot := createCustomer(t, rep, "潜力客户矩阵")
	newOpp(t, rep, hot, "在谈", 20_000_000, "2030-06-30", stages["拟定合同"]) // 15万 weighted: medium potential

	var m apiMatrix
	rep.Do("GET", "/api/v1/analytics/customer-matrix", nil).Want(http.StatusOK).JSON(&m)
	if len(m.Cells) != 9 {
		t.Fatalf("matrix cells: %+v", m.Cells)
	}
	counts := map[string]int{}
	for _, c := range m.Cells {
		counts[c.Value+"-"+c.Potential] = c.Count
	}
	if counts["high-low"] != 1 || counts["low-medium"] != 1 {
		t.Fatalf("matrix counts %v, want one high-value low-potential and one low-value medium-potential customer", counts)
	}

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-customer-matrix"))
	p.waitPath("/analytics/customer-matrix")
	p.waitText(tid("matrix-page"), fmt.Sprintf("共 %d 个客户", m.Total), "价值 · 高", "潜力 · 中")
	for cell, n := range counts {
		p.waitText(tid("matrix-cell-"+cell)+" "+tid("matrix-count"), fmt.Sprint(n))
	}
	p.waitText(tid("matrix-cell-high-low"), "大客户矩阵")
	p.snap("matrix-1")

	p.click(tid("matrix-cell-high-low"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "价值高 · 潜力低 · 1 个客户")
	p.waitText(".ant-drawer-open .ant-table-tbody", "大客户矩阵", "¥2,000,000.00")
	if rows, err := eval[int](p.ctx, `document.querySelectorAll('.ant-drawer-open .ant-table-tbody tr.ant-table-row').length`); err != nil || rows != 1 {
		t.Fatalf("the high-value cell lists %d customers (%v), want 1", rows, err)
	}
	p.snap("matrix-2-drill")
	p.click(".ant-drawer-open .ant-drawer-close")
	p.waitGone(".ant-drawer-open")

	p.click(tid("matrix-cell-low-medium"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "价值低 · 潜力中")
	p.waitText(".ant-drawer-open .ant-table-tbody", "潜力客户矩阵")
	if txt := p.text(".ant-drawer-open .ant-table-tbody"); strings.Contains(txt, "大客户矩阵") {
		t.Fatalf("the medium-potential cell lists the won customer: %s", txt)
	}
	// A customer's name opens its page.
	p.clickText(".ant-drawer-open .ant-table-tbody a", "潜力客户矩阵")
	p.waitPath("/customers/" + hot)
}
