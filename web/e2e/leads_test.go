package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

const (
	rep1Email = "east1.rep1@demo.local"
	rep1Name  = "李娜"
	rep2Email = "east1.rep2@demo.local"
)

type apiLead struct {
	ID               string  `json:"id"`
	ContactName      string  `json:"contact_name"`
	Company          string  `json:"company"`
	Phone            string  `json:"phone"`
	Source           string  `json:"source"`
	Status           string  `json:"status"`
	DisqualifyReason string  `json:"disqualify_reason"`
	OwnerID          *string `json:"owner_id"`
	OwnerName        string  `json:"owner_name"`
	Version          int64   `json:"version"`
}

// leadsMatching lists the caller's leads that q finds, newest first.
func leadsMatching(t *testing.T, c *apitest.Client, q string) []apiLead {
	t.Helper()
	var page struct{ Items []apiLead }
	c.Do("GET", "/api/v1/leads?limit=100&q="+url.QueryEscape(q), nil).Want(http.StatusOK).JSON(&page)
	return page.Items
}

func leadByName(t *testing.T, c *apitest.Client, name string) *apiLead {
	t.Helper()
	for _, l := range leadsMatching(t, c, name) {
		if l.ContactName == name {
			return &l
		}
	}
	return nil
}

// TestLeadsFlow is a sales rep's first leads in Chinese: a new lead, a
// second one with the same phone that is flagged as a possible duplicate
// and created anyway, a status moved forward, a lead disqualified with a
// reason, and the status change in the lead's history.
func TestLeadsFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		leadsFlow(t, apitest.Start(t, d))
	})
}

func leadsFlow(t *testing.T, env *apitest.Env) {
	const (
		name1, company1, phone = "王小明", "星辰科技有限公司", "13812345678"
		name2, company2        = "赵刚", "远航贸易有限公司"
		reason                 = "预算不足，今年不采购"
	)
	rep := env.Login(rep1Email, demoPassword)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)

	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.waitText(".ant-breadcrumb", "销售", "线索")
	p.waitText(".ant-table-thead", "联系人", "公司", "手机号", "状态", "负责人", "来源", "区域", "最近跟进", "评分", "创建时间")

	// The first lead.
	p.click(tid("create-lead"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建线索")
	p.fill(tid("lead-contact-name"), name1)
	p.fill(tid("lead-company"), company1)
	p.fill(tid("lead-phone"), phone)
	p.fill(tid("lead-source"), "展会")
	p.snap("leads-1-create")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("lead-contact-name"))

	first := leadByName(t, rep, name1)
	if first == nil {
		t.Fatalf("lead %s was not created", name1)
	}
	if first.Company != company1 || first.Phone != phone || first.Source != "展会" || first.Status != "new" || first.OwnerName != rep1Name {
		t.Fatalf("created lead %+v, want %s/%s/%s from 展会, new, owned by %s", first, name1, company1, phone, rep1Name)
	}
	row1 := tid("row-" + first.ID)
	p.waitText(row1, name1, company1, phone, "新线索", rep1Name, "展会")
	p.waitGone(".ant-drawer-content-wrapper")
	p.snap("leads-2-list")

	// A second lead with the same phone: warned while typing, refused on
	// submit with the same list, then created anyway.
	p.click(tid("create-lead"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建线索")
	p.fill(tid("lead-contact-name"), name2)
	p.fill(tid("lead-company"), company2)
	p.fill(tid("lead-phone"), phone)
	p.waitText(tid("lead-duplicates"), "疑似重复", name1, company1, rep1Name, "手机号")
	p.snap("leads-3-duplicate-warning")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitText(tid("lead-duplicates"), "未创建", name1)
	p.snap("leads-4-duplicate-refused")
	if leadByName(t, rep, name2) != nil {
		t.Fatalf("lead %s was created although the duplicate was not confirmed", name2)
	}
	p.click(tid("lead-allow-duplicate"))
	p.waitGone(".ant-drawer-open " + tid("lead-contact-name"))

	second := leadByName(t, rep, name2)
	if second == nil {
		t.Fatalf("lead %s was not created with allow_duplicate", name2)
	}
	if both := leadsMatching(t, rep, phone); len(both) != 2 {
		t.Fatalf("leads with phone %s: %d, want 2: %+v", phone, len(both), both)
	}
	row2 := tid("row-" + second.ID)
	p.waitText(row2, name2, company2, phone, "新线索")
	p.waitText(row1, name1)

	// Open the first lead (a click on its row) and move it forward.
	p.click(row1 + " td:nth-child(2)") // the first cell selects the row
	p.waitText(".ant-drawer-open .ant-drawer-title", name1)
	p.waitText(".ant-drawer-open "+tid("lead-summary"), "新线索", rep1Name)
	p.waitText(".ant-drawer-open "+tid("lead-status"), "新线索")
	p.openSelect("lead-status", openDropdown+".ant-select-item-option", "已联系")
	// Forward only: no way back, and converted is not a choice.
	options := p.text(openDropdown + ".rc-virtual-list")
	for _, want := range []string{"新线索", "已联系", "已确认", "无效"} {
		if !strings.Contains(options, want) {
			t.Errorf("status choices %q lack %q", options, want)
		}
	}
	if strings.Contains(options, "已转化") {
		t.Errorf("status choices %q offer 已转化", options)
	}
	p.clickText(openDropdown+".ant-select-item-option", "已联系")
	p.waitText(".ant-drawer-open "+tid("lead-status")+" .ant-select-selection-item", "已联系")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("lead-contact-name"))
	p.waitText(row1, name1, "已联系")
	if got := leadByName(t, rep, name1); got == nil || got.Status != "contacted" {
		t.Fatalf("after the status change the server has %+v, want contacted", got)
	}

	// Disqualify the second one: a reason is asked for.
	p.click(tid("edit-" + second.ID))
	p.waitText(".ant-drawer-open .ant-drawer-title", name2)
	p.choose("lead-status", "无效")
	p.waitVisible(".ant-drawer-open " + tid("lead-disqualify-reason"))
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitText(".ant-drawer-open .ant-form-item-explain-error", "请填写无效原因")
	p.fill(tid("lead-disqualify-reason"), reason)
	p.snap("leads-5-disqualify")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("lead-contact-name"))
	p.waitText(row2, name2, "无效")
	if got := leadByName(t, rep, name2); got == nil || got.Status != "disqualified" || got.DisqualifyReason != reason {
		t.Fatalf("after disqualifying the server has %+v, want disqualified because %s", got, reason)
	}

	// The first lead's history shows the status change by name.
	p.click(row1 + " td:nth-child(2)") // the first cell selects the row
	p.waitText(".ant-drawer-open .ant-drawer-title", name1)
	p.click(".ant-drawer-open " + tid("lead-tab-history"))
	history := ".ant-drawer-open " + tid("history")
	p.waitText(history, "修改", rep1Name, "状态", "新线索", "已联系")
	p.waitText(history, "创建")
	p.snap("leads-6-history")

	// The status filter finds the disqualified lead only.
	p.click(".ant-drawer-open .ant-drawer-footer button")
	p.waitGone(".ant-drawer-open")
	p.choose("leads-filter-status", "无效")
	p.waitGone(row1)
	p.waitText(row2, name2)
}

// TestLeadsEnglish: the leads page in English, and a duplicate owned by
// someone outside the rep's data scope is named as such, without details.
func TestLeadsEnglish(t *testing.T) {
	const phone = "139 0000 1111"
	env := startServer(t)
	other := env.Login(rep1Email, demoPassword)
	other.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "王小明", "company": "星辰科技有限公司", "phone": phone}).Want(http.StatusCreated)
	rep := env.Login(rep2Email, demoPassword)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.waitText(".rudder-auth-card", "Sign in")
	p.login(rep2Email, demoPassword)
	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.waitText(".ant-breadcrumb", "Sales", "Leads")
	p.waitText(".ant-table-thead", "Contact", "Company", "Phone", "Status", "Owner", "Last follow-up", "Score", "Created")

	p.click(tid("create-lead"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "New lead")
	p.fill(tid("lead-contact-name"), "Li Ming")
	p.fill(tid("lead-phone"), "+86 13900001111")
	p.waitText(tid("lead-duplicates"), "Possible duplicate", "Exists, owned by someone else", "phone")
	if text := p.text(tid("lead-duplicates")); strings.Contains(text, "王小明") || strings.Contains(text, "星辰") {
		t.Errorf("the warning shows details of a lead outside the rep's scope: %q", text)
	}
	p.snap("leads-en-1-duplicate")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitText(tid("lead-allow-duplicate"), "Create anyway")
	p.click(tid("lead-allow-duplicate"))
	p.waitGone(".ant-drawer-open " + tid("lead-contact-name"))
	l := leadByName(t, rep, "Li Ming")
	if l == nil {
		t.Fatal("lead Li Ming was not created")
	}
	p.waitText(tid("row-"+l.ID), "Li Ming", "New")
	p.waitGone(".ant-drawer-content-wrapper")
	if text := p.text(".ant-table"); strings.Contains(text, "新线索") || strings.Contains(text, "王小明") {
		t.Errorf("English leads table shows Chinese status or another rep's lead:\n%s", text)
	}
	p.snap("leads-en-2-list")
}

// TestLeadsNarrow: the leads page and its drawer fit a phone.
func TestLeadsNarrow(t *testing.T) {
	const width = 375
	env := startServer(t)
	env.Login(rep1Email, demoPassword).Do("POST", "/api/v1/leads",
		map[string]any{"contact_name": "王小明", "company": "星辰科技有限公司", "phone": "13812345678", "source": "官网"}).Want(http.StatusCreated)
	p := openPage(t, env, width, 812)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-toggle"))
	p.waitText(tid("nav-drawer"), "销售", "线索")
	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.waitGone(tid("nav-leads"))
	p.waitText(".ant-table-tbody", "王小明")
	p.waitText(".rudder-crumb-title", "线索")
	p.checkNoOverflow(width)
	p.snap("leads-narrow-1-list")
	p.click(tid("leads-more-filters"))
	p.waitVisible(tid("leads-filter-source"))
	p.checkNoOverflow(width)
	p.snap("leads-narrow-2-filters")

	p.click(tid("create-lead"))
	p.waitVisible(".ant-drawer-open " + tid("lead-contact-name"))
	p.fill(tid("lead-phone"), "13812345678")
	p.waitText(tid("lead-duplicates"), "王小明")
	p.checkNoOverflow(width)
	w, err := eval[float64](p.ctx, `document.querySelector('.ant-drawer-open .ant-drawer-content-wrapper').getBoundingClientRect().width`)
	if err != nil {
		t.Fatal(err)
	}
	if w < width-1 || w > width+1 {
		t.Errorf("the lead drawer is %.0f px wide on a %d px screen, want the full width", w, width)
	}
	p.snap("leads-narrow-3-form")
}

// TestLeadOwnerChangeAsksReason: in the edit drawer the owner is changed
// through the assign dialog, which wants a reason; the reason is in the
// lead's pool history and the drawer shows the new owner.
func TestLeadOwnerChangeAsksReason(t *testing.T) {
	env := startServer(t)
	mgr := env.Login("east1.manager@demo.local", demoPassword)
	rep2 := env.Login(rep2Email, demoPassword).Do("GET", "/api/v1/me", nil).Want(http.StatusOK).Map()["user"].(map[string]any)
	rep1 := env.Login(rep1Email, demoPassword).Do("GET", "/api/v1/me", nil).Want(http.StatusOK).Map()["user"].(map[string]any)
	var l apiLead
	mgr.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "换人客户", "owner_id": rep1["id"]}).Want(http.StatusCreated).JSON(&l)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login("east1.manager@demo.local", demoPassword)
	p.goTo("/leads")
	p.click(tid("edit-" + l.ID))
	p.waitText(".ant-drawer-open .ant-drawer-title", "换人客户")
	p.waitJS("the owner field to show "+rep1Name, `document.querySelector('.ant-drawer-open [data-testid="lead-owner"]').value === `+js(rep1Name))
	p.click(".ant-drawer-open " + tid("lead-owner-change"))
	p.waitVisible(tid("lead-assign-owner"))
	p.choose("lead-assign-owner", rep2["name"].(string))
	if ok, err := eval[bool](p.ctx, `document.querySelector('[data-testid="lead-assign-submit"]').disabled`); err != nil || !ok {
		t.Fatalf("the assign dialog may be sent without a reason (disabled=%v, %v)", ok, err)
	}
	p.fill(tid("lead-assign-reason"), "客户要求换人跟进")
	p.snap("leads-owner-change")
	p.click(tid("lead-assign-submit"))
	p.waitJS("the owner field to show the new owner", `document.querySelector('.ant-drawer-open [data-testid="lead-owner"]')?.value === `+js(rep2["name"].(string)))
	var events struct{ Items []map[string]any }
	mgr.Do("GET", "/api/v1/leads/"+l.ID+"/pool-events", nil).Want(http.StatusOK).JSON(&events)
	if len(events.Items) != 1 || events.Items[0]["reason"] != "客户要求换人跟进" || events.Items[0]["user_id"] != rep2["id"] {
		t.Fatalf("pool history after the owner change: %v", events.Items)
	}
}

// TestLeadsLastFollowUpFilter: the last-follow-up date range narrows the
// list to the leads followed up in it (leads never followed up are out).
func TestLeadsLastFollowUpFilter(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	now := time.Now()
	lead := func(name string, daysAgo int) string {
		var l apiLead
		rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": name}).Want(http.StatusCreated).JSON(&l)
		if daysAgo > 0 {
			// The pool clock is set by recorded follow-ups only; seed it as older ones would have.
			if _, err := env.DB.Write.NewUpdate().Table("leads").Set("last_follow_up_at = ?", now.AddDate(0, 0, -daysAgo).UTC()).
				Where("id = ?", l.ID).Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		return l.ID
	}
	old, recent, never := lead("久未跟进", 30), lead("刚跟进过", 2), lead("从未跟进", 0)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/leads")
	for _, id := range []string{old, recent, never} {
		p.waitVisible(tid("row-" + id))
	}
	picker := tid("leads-filters") + ` .ant-picker-range:has(input[placeholder="最近跟进日期"]) `
	p.fill(picker+`input[placeholder="最近跟进日期"]`, now.AddDate(0, 0, -7).Format("2006-01-02"))
	p.press("\r")
	p.fill(picker+`.ant-picker-input:not(:first-child) input`, now.Format("2006-01-02"))
	p.press("\r")
	p.waitGone(tid("row-" + old))
	p.waitGone(tid("row-" + never))
	p.waitText(tid("row-"+recent), "刚跟进过")
	p.snap("leads-last-follow-up-filter")
	p.click(tid("leads-clear-filters"))
	p.waitVisible(tid("row-" + old))
}
