package e2e

import (
	"net/http"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiRule struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Position   int    `json:"position"`
	Conditions struct {
		Source   string `json:"source"`
		Region   string `json:"region"`
		Industry string `json:"industry"`
	} `json:"conditions"`
	DepartmentID string `json:"department_id"`
	PerRepCap    int    `json:"per_rep_cap"`
	Enabled      bool   `json:"enabled"`
}

func rulesOf(t *testing.T, c *apitest.Client) []apiRule {
	t.Helper()
	var page struct{ Items []apiRule }
	c.Do("GET", "/api/v1/assignment-rules", nil).Want(http.StatusOK).JSON(&page)
	return page.Items
}

// TestAssignmentRulesFlow: an administrator makes a rule in the UI (a
// region of the tree and a source → 广州一组), moves it above an older rule
// that would take the same lead (its region, 华东大区, holds the new one),
// then enters a lead picking that region from the tree, routes it by the
// rules, and a rep of 广州一组 owns it.
func TestAssignmentRulesFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		assignmentRulesFlow(t, apitest.Start(t, d))
	})
}

func assignmentRulesFlow(t *testing.T, env *apitest.Env) {
	const (
		ruleName, region, source = "苏州展会线索", "苏州工业园", "展会"
		contact, company         = "陆文涛", "园区智造有限公司"
	)
	admin := env.Login(adminEmail, demoPassword)
	east := newRegion(t, admin, "华东大区", "")
	jiangsu := newRegion(t, admin, "江苏", east.ID)
	newRegion(t, admin, region, jiangsu.ID)
	shanghai, guangzhou := departmentByName(t, admin, "上海一组"), departmentByName(t, admin, "广州一组")
	if shanghai == nil || guangzhou == nil {
		t.Fatalf("demo data lacks 上海一组 or 广州一组")
	}
	var older apiRule
	admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "华东兜底", "department_id": shanghai.ID,
		"conditions": map[string]any{"region": "华东大区"}}).Want(http.StatusCreated).JSON(&older)
	southReps := map[string]bool{}
	for _, e := range []string{"south1.rep1@demo.local", "south1.rep2@demo.local", "south1.rep3@demo.local"} {
		southReps[userByEmail(t, admin, e).ID] = true
	}

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.click(tid("nav-assignment-rules"))
	p.waitPath("/admin/assignment-rules")
	p.waitText(".ant-breadcrumb", "系统管理", "分配规则")
	p.waitText(tid("row-"+older.ID), "华东兜底", "区域: 华东大区", "上海一组", "不限")

	// The new rule, made in the drawer: its region picked from the tree.
	p.click(tid("create-rule"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建分配规则")
	p.fill(tid("rule-name"), ruleName)
	p.fill(tid("rule-source"), source)
	p.chooseTree("rule-region", region)
	p.chooseTree("rule-team", "广州一组")
	p.fill(tid("rule-cap"), "50")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("rule-name"))
	rules := rulesOf(t, admin)
	if len(rules) != 2 || rules[0].ID != older.ID {
		t.Fatalf("rules after the create: %+v, want the older one and then the new one", rules)
	}
	rule := rules[1]
	if rule.Name != ruleName || rule.Conditions.Source != source || rule.Conditions.Region != region || rule.Conditions.Industry != "" ||
		rule.DepartmentID != guangzhou.ID || rule.PerRepCap != 50 || !rule.Enabled {
		t.Fatalf("created %+v, want %s: %s + %s → 广州一组, cap 50, enabled", rule, ruleName, source, region)
	}
	row := tid("row-" + rule.ID)
	p.waitText(row, ruleName, "来源: "+source, "区域: "+region, "广州一组", "50")
	p.waitText(tid("rule-order-"+rule.ID), "2")

	// Moved to the top: now it is tried first.
	p.click(tid("rule-up-" + rule.ID))
	p.waitText(tid("rule-order-"+rule.ID), "1")
	p.waitText(tid("rule-order-"+older.ID), "2")
	if rules = rulesOf(t, admin); len(rules) != 2 || rules[0].ID != rule.ID {
		t.Fatalf("rules after moving up: %+v, want %s first", rules, ruleName)
	}

	// A lead in that region, its region picked from the tree in the lead form.
	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.click(tid("create-lead"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建线索")
	p.fill(tid("lead-contact-name"), contact)
	p.fill(tid("lead-company"), company)
	p.fill(tid("lead-source"), source)
	p.chooseTree("lead-region", region)
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("lead-contact-name"))
	var l struct {
		apiLead
		Region string `json:"region"`
	}
	found := leadByName(t, admin, contact)
	if found == nil {
		t.Fatalf("lead %s was not created", contact)
	}
	admin.Do("GET", "/api/v1/leads/"+found.ID, nil).Want(http.StatusOK).JSON(&l)
	if l.Region != region || l.Source != source {
		t.Fatalf("created lead %+v, want region %s and source %s", l, region, source)
	}

	// Routed by the rules: the moved rule wins over 华东兜底.
	p.click(tid("row-" + l.ID))
	p.waitVisible(".ant-drawer-open " + tid("lead-assign"))
	p.click(tid("lead-assign"))
	p.fill(tid("lead-assign-reason"), "按分配规则")
	p.click(tid("lead-assign-submit"))
	p.waitText(".ant-message", "已分配")
	admin.Do("GET", "/api/v1/leads/"+l.ID, nil).Want(http.StatusOK).JSON(&l)
	if l.OwnerID == nil || !southReps[*l.OwnerID] {
		t.Fatalf("the lead went to %v (%s), want a rep of 广州一组", l.OwnerID, l.OwnerName)
	}
}
