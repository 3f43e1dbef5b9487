package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiCustomer struct {
	ID                string  `json:"id"`
	Name              string  `json:"name"`
	Phone             string  `json:"phone"`
	Industry          string  `json:"industry"`
	Region            string  `json:"region"`
	Grade             *string `json:"grade"`
	KeyCustomer       bool    `json:"key_customer"`
	KeyCustomerManual *bool   `json:"key_customer_manual"`
	AnnualRevenue     int64   `json:"annual_revenue"`
	OwnerName         string  `json:"owner_name"`
	LastActivityAt    *string `json:"last_activity_at"`
	Version           int64   `json:"version"`
}

type apiContact struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Title        string  `json:"title"`
	DecisionRole *string `json:"decision_role"`
	Attitude     *string `json:"attitude"`
	IsPrimary    bool    `json:"is_primary"`
}

type apiTimelineActivity struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	SubjectType string `json:"subject_type"`
	SubjectID   string `json:"subject_id"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	Status      string `json:"status"`
	OwnerName   string `json:"owner_name"`
}

func customersNamed(t *testing.T, c *apitest.Client, name string) []apiCustomer {
	t.Helper()
	var page struct{ Items []apiCustomer }
	c.Do("GET", "/api/v1/customers?limit=100&q="+url.QueryEscape(name), nil).Want(http.StatusOK).JSON(&page)
	var out []apiCustomer
	for _, cu := range page.Items {
		if cu.Name == name {
			out = append(out, cu)
		}
	}
	return out
}

func activitiesOf(t *testing.T, c *apitest.Client, subjectType, id string) []apiTimelineActivity {
	t.Helper()
	var page struct{ Items []apiTimelineActivity }
	c.Do("GET", "/api/v1/activities?subject_type="+subjectType+"&subject_id="+id, nil).Want(http.StatusOK).JSON(&page)
	return page.Items
}

// shot saves a full-page screenshot as NAME.png into $RUDDER_E2E_SHOTS (to look at a page).
func (p *page) shot(name string) {
	p.t.Helper()
	dir := os.Getenv("RUDDER_E2E_SHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
	}
}

// TestCustomers360Flow is a rep's customer in Chinese: created from the list
// (refused first as a duplicate of a lead with the same phone, then created
// anyway), its 360° page, a contact added with decision role and attitude, a
// call logged on that contact showing in the customer's timeline, the profile
// edited at its version, a seeded opportunity in the opportunities tab, and
// the edit in the history.
func TestCustomers360Flow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		customers360Flow(t, apitest.Start(t, d))
	})
}

func customers360Flow(t *testing.T, env *apitest.Env) {
	const (
		name, phone     = "云帆智能科技有限公司", "021-6688 1234"
		contact, title  = "王建军", "采购总监"
		call, callNotes = "电话沟通采购预算", "预算约 50 万，下月立项"
		oppName         = "云帆 CRM 二期"
	)
	rep := env.Login(rep1Email, demoPassword)
	rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "周先生", "company": "云帆旧线索", "phone": phone}).Want(http.StatusCreated)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-customers"))
	p.waitPath("/customers")
	p.waitText(".ant-breadcrumb", "销售", "客户")
	p.waitText(".ant-table-thead", "客户名称", "等级", "评分", "负责人", "行业", "区域", "最近跟进")

	// Create: refused over the lead with the same phone, then created anyway.
	p.click(tid("create-customer"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建客户")
	p.fill(tid("customer-name"), name)
	p.fill(tid("customer-phone"), phone)
	p.fill(tid("customer-industry"), "制造业")
	p.fill(tid("customer-region"), "华东")
	p.choose("customer-size", "中型（100–499 人）")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitText(tid("customer-duplicates"), "未创建", "线索", "云帆旧线索", "手机号")
	if got := customersNamed(t, rep, name); len(got) != 0 {
		t.Fatalf("customer created although the duplicate was not confirmed: %+v", got)
	}
	p.shot("customers-1-duplicate")
	p.click(tid("customer-allow-duplicate"))
	p.waitJS("the 360° page", `location.pathname.startsWith('/customers/') && location.pathname.length > 20`)
	created := customersNamed(t, rep, name)
	if len(created) != 1 || created[0].Phone != phone || created[0].Region != "华东" || created[0].OwnerName != rep1Name {
		t.Fatalf("created %+v, want one %s with phone %s in 华东 owned by %s", created, name, phone, rep1Name)
	}
	cu := created[0]
	p.waitPath("/customers/" + cu.ID)
	p.waitText(tid("customer-title"), name)
	p.waitText(tid("customer-summary"), "等级", rep1Name, "华东", "制造业", "中型", "分")
	p.waitText(".ant-breadcrumb", "客户")

	// A contact: decision maker, supportive, primary.
	p.click(tid("customer-tab-contacts"))
	p.click(tid("create-contact"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "添加联系人")
	p.fill(tid("contact-name"), contact)
	p.fill(tid("contact-title"), title)
	p.fill(tid("contact-phone"), "13900001111")
	p.choose("contact-role", "决策者")
	p.choose("contact-attitude", "支持")
	p.click(tid("contact-primary"))
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("contact-name"))
	var contacts struct{ Items []apiContact }
	rep.Do("GET", "/api/v1/contacts?customer_id="+cu.ID, nil).Want(http.StatusOK).JSON(&contacts)
	if len(contacts.Items) != 1 {
		t.Fatalf("contacts of the customer: %+v, want 1", contacts.Items)
	}
	ct := contacts.Items[0]
	if ct.Name != contact || ct.Title != title || ct.DecisionRole == nil || *ct.DecisionRole != "decision_maker" ||
		ct.Attitude == nil || *ct.Attitude != "supportive" || !ct.IsPrimary {
		t.Fatalf("contact %+v, want %s, %s, decision maker, supportive, primary", ct, contact, title)
	}
	p.waitText(tid("row-"+ct.ID), contact, "主要联系人", title, "决策者", "支持", "13900001111")
	p.waitText(tid("customer-tab-contacts"), "联系人 (1)")
	p.shot("customers-2-contacts")

	// A call on the contact, logged from the customer's timeline.
	p.click(tid("customer-tab-timeline"))
	p.waitText(tid("activity-timeline"), "还没有跟进记录")
	p.click(tid("log-activity-open"))
	p.waitVisible(tid("log-title"))
	p.choose("log-subject", "联系人："+contact)
	p.fill(tid("log-title"), call)
	p.fill(tid("log-body"), callNotes)
	p.click(tid("log-submit"))
	p.waitText(tid("activity-history"), call, callNotes, "电话", "联系人："+contact, rep1Name)
	acts := activitiesOf(t, rep, "contact", ct.ID)
	if len(acts) != 1 || acts[0].Kind != "call" || acts[0].Status != "done" || acts[0].Title != call || acts[0].Body != callNotes {
		t.Fatalf("activities of the contact: %+v, want the done call %q", acts, call)
	}
	var after apiCustomer
	rep.Do("GET", "/api/v1/customers/"+cu.ID, nil).Want(http.StatusOK).JSON(&after)
	if after.LastActivityAt == nil {
		t.Fatalf("the customer's last activity was not set by the call: %+v", after)
	}
	p.waitJS("the header's last activity", `[...document.querySelectorAll('[data-testid="customer-summary"] .ant-descriptions-item')].some((el) =>
		norm(el.querySelector('.ant-descriptions-item-label')?.innerText).startsWith('最近跟进') &&
		/\d{4}-\d{2}-\d{2}/.test(el.querySelector('.ant-descriptions-item-content')?.innerText || ''))`)
	p.shot("customers-3-timeline")

	// A visit plan on the customer, completed with its commitment won.
	p.click(tid("log-activity-open"))
	p.click(tid("log-kind-visit"))
	p.click(tid("log-visit-plan"))
	p.fill(tid("log-title"), "上门演示")
	p.fill(tid("log-due-at"), "2099-01-05 10:00")
	p.press("\r")
	p.fill(tid("log-commitment"), "安排技术交流会")
	p.click(tid("log-submit"))
	p.waitText(tid("activity-planned"), "上门演示", "计划中", "晋级承诺", "安排技术交流会")
	visits := activitiesOf(t, rep, "customer", cu.ID)
	if len(visits) != 1 || visits[0].Kind != "visit" || visits[0].Status != "planned" {
		t.Fatalf("activities of the customer: %+v, want the planned visit", visits)
	}
	p.click(tid("activity-complete-" + visits[0].ID))
	p.waitText(".ant-modal-content", "完成拜访：上门演示", "晋级承诺是否达成？")
	p.click(tid("complete-won-yes"))
	p.fill(tid("complete-outcome"), "客户同意下周技术交流")
	p.click(tid("complete-visit-ok"))
	p.waitGone(".ant-modal-content")
	p.waitText(tid("activity-history"), "上门演示", "承诺已达成", "客户同意下周技术交流")
	p.waitGone(tid("activity-planned"))
	var visit struct {
		Status        string `json:"status"`
		CommitmentWon *bool  `json:"commitment_won"`
	}
	rep.Do("GET", "/api/v1/activities/"+visits[0].ID, nil).Want(http.StatusOK).JSON(&visit)
	if visit.Status != "done" || visit.CommitmentWon == nil || !*visit.CommitmentWon {
		t.Fatalf("the completed visit is %+v, want done with the commitment won", visit)
	}

	// The profile, edited at its version.
	p.click(tid("customer-tab-profile"))
	p.waitVisible(tid("customer-profile"))
	p.fill(tid("customer-region"), "华南")
	p.fill(tid("customer-revenue"), "12,000,000")
	p.choose("customer-key", "是（手动设定）")
	p.click(tid("profile-save"))
	p.waitText(tid("customer-title"), "重点客户")
	p.waitText(tid("customer-summary"), "华南")
	rep.Do("GET", "/api/v1/customers/"+cu.ID, nil).Want(http.StatusOK).JSON(&after)
	if after.Region != "华南" || after.AnnualRevenue != 1200000000 || !after.KeyCustomer || after.KeyCustomerManual == nil ||
		!*after.KeyCustomerManual || after.Version <= cu.Version {
		t.Fatalf("after the profile edit the server has %+v, want 华南, revenue 1200000000, pinned key customer, a new version", after)
	}

	// The opportunities tab lists a seeded opportunity with its stage and amounts.
	var o apiOpportunity
	rep.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cu.ID, "name": oppName,
		"amount": map[string]any{"amount": 5000000, "currency": "CNY"}, "expected_close": "2026-12-31"}).Want(http.StatusCreated).JSON(&o)
	p.goTo("/customers/" + cu.ID + "?tab=opportunities")
	p.waitText(tid("row-"+o.ID), oppName, "初步接洽", "¥50,000.00", "¥5,000.00", "2026-12-31", rep1Name)
	p.waitText(tid("customer-pipeline-total"), "进行中 1 个", "¥50,000.00")
	p.waitVisible(tid("customer-open-board"))
	p.shot("customers-4-opportunities")

	// An opportunity's own follow-ups: a note logged from its drawer lands on it.
	p.click(tid("row-"+o.ID) + " td:first-child")
	p.waitText(".ant-drawer-open .ant-drawer-title", oppName)
	p.click(".ant-drawer-open " + tid("log-activity-open"))
	p.click(".ant-drawer-open " + tid("log-kind-note"))
	p.fill(".ant-drawer-open "+tid("log-title"), "客户要求加急")
	p.click(".ant-drawer-open " + tid("log-submit"))
	p.waitText(".ant-drawer-open "+tid("activity-history"), "客户要求加急", "笔记")
	if acts := activitiesOf(t, rep, "opportunity", o.ID); len(acts) != 1 || acts[0].Kind != "note" || acts[0].Title != "客户要求加急" {
		t.Fatalf("activities of the opportunity: %+v, want the note", acts)
	}
	p.click(".ant-drawer-open .ant-drawer-close")
	p.waitGone(".ant-drawer-open")
	p.click(tid("customer-tab-timeline"))
	p.waitText(tid("activity-history"), "客户要求加急", "商机："+oppName, call)

	// The attachments tab holds the customer's files (the attachments feature's own component).
	p.click(tid("customer-tab-attachments"))
	p.waitVisible(tid("attachments"))
	p.waitVisible(tid("upload-attachment"))

	// The history has the edit by name.
	p.click(tid("customer-tab-history"))
	p.waitText(tid("history"), "修改", rep1Name, "华东", "华南")
	p.waitText(tid("history"), "创建")

	// Back on the list the customer shows with its grade and last activity.
	p.click(tid("customer-back"))
	p.waitPath("/customers")
	p.waitText(tid("row-"+cu.ID), name, rep1Name, "制造业", "华南")
	p.choose("customers-filter-key", "非重点客户")
	p.waitGone(tid("row-" + cu.ID))
	p.shot("customers-5-list")
}

// TestCustomersNarrowEnglish: the customers list, the 360° page and the log
// form in English on a phone: nothing scrolls the page sideways.
func TestCustomersNarrowEnglish(t *testing.T) {
	const width = 375
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	var cu apiCustomer
	rep.Do("POST", "/api/v1/customers", map[string]any{"name": "Blue Harbor Trading Co", "industry": "Logistics", "region": "East",
		"key_customer": true}).Want(http.StatusCreated).JSON(&cu)
	var ct apiContact
	rep.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": cu.ID, "name": "Alice Zhang", "title": "CTO",
		"decision_role": "influencer", "attitude": "neutral"}).Want(http.StatusCreated).JSON(&ct)
	rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "meeting", "subject_type": "contact", "subject_id": ct.ID,
		"title": "Kick-off meeting", "body": "Agreed on a pilot"}).Want(http.StatusCreated)

	p := openPage(t, env, width, 812)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.waitText(".rudder-auth-card", "Sign in")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-toggle"))
	p.waitText(tid("nav-drawer"), "Customers")
	p.click(tid("nav-customers"))
	p.waitPath("/customers")
	p.waitGone(tid("nav-customers"))
	p.waitText(tid("row-"+cu.ID), "Blue Harbor Trading Co", "Logistics", "East", rep1Name)
	p.waitText(".ant-table-thead", "Customer name", "Grade", "Score", "Owner")
	p.checkNoOverflow(width)
	p.shot("customers-narrow-1-list")

	p.click(tid("row-"+cu.ID) + " td:first-child")
	p.waitPath("/customers/" + cu.ID)
	p.waitText(tid("customer-title"), "Blue Harbor Trading Co", "Key customer")
	p.waitText(tid("customer-summary"), "Grade", "score", "Owner", "Logistics", "East")
	p.waitText(".ant-tabs-nav", "Profile", "Contacts", "Timeline")
	p.checkNoOverflow(width)
	p.shot("customers-narrow-2-profile")

	p.click(tid("customer-tab-timeline"))
	p.waitText(tid("activity-history"), "Kick-off meeting", "Meeting", "Contact: Alice Zhang", "Agreed on a pilot")
	p.click(tid("log-activity-open"))
	p.click(tid("log-kind-visit"))
	p.waitText(tid("log-activity"), "Record a visit that took place", "Advance commitment", "Outcome")
	p.checkNoOverflow(width)
	p.shot("customers-narrow-3-timeline")

	p.click(tid("customer-tab-contacts"))
	p.waitText(tid("row-"+ct.ID), "Alice Zhang", "Influencer", "Neutral")
	p.checkNoOverflow(width)
}

// TestLeadTimeline: the lead drawer's follow-ups tab logs a call, which the
// API records on the lead and which moves a new lead to contacted.
func TestLeadTimeline(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	var l apiLead
	rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "陈静", "company": "海鸥物流"}).Want(http.StatusCreated).JSON(&l)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/leads")
	p.click(tid("edit-" + l.ID))
	p.waitText(".ant-drawer-open .ant-drawer-title", "陈静")
	p.click(".ant-drawer-open " + tid("lead-tab-activities"))
	p.click(tid("log-activity-open"))
	p.fill(tid("log-title"), "首次电话联系")
	p.click(tid("log-submit"))
	p.waitText(".ant-drawer-open "+tid("activity-history"), "首次电话联系", "电话", rep1Name)
	acts := activitiesOf(t, rep, "lead", l.ID)
	if len(acts) != 1 || acts[0].Kind != "call" || acts[0].Title != "首次电话联系" {
		t.Fatalf("activities of the lead: %+v, want the call", acts)
	}
	// The drawer reloads the lead: the follow-up made it contacted.
	p.click(".ant-drawer-open " + tid("lead-tab-details"))
	p.waitText(".ant-drawer-open "+tid("lead-summary"), "已联系")
	if got := leadByName(t, rep, "陈静"); got == nil || got.Status != "contacted" {
		t.Fatalf("after the call the lead is %+v, want contacted", got)
	}
	p.click(".ant-drawer-open " + tid("lead-tab-activities"))
	if s := p.text(".ant-drawer-open " + tid("activity-history")); strings.Count(s, "首次电话联系") != 1 {
		t.Fatalf("the timeline shows %q, want the call once", s)
	}
}

// TestCustomerTimelineHasEveryContact: the customer page loads a hundred
// contacts and opportunities (their tabs say there are more, and load the
// rest on request), but its timeline is the customer's whole one
// (customer_id): a call on a contact beyond those shows, said to be on a
// contact, and named once the contact is loaded.
func TestCustomerTimelineHasEveryContact(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	var cu apiCustomer
	rep.Do("POST", "/api/v1/customers", map[string]any{"name": "百联系人集团"}).Want(http.StatusCreated).JSON(&cu)
	for i := 0; i < 101; i++ {
		rep.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": cu.ID, "name": "联系人" + strconv.Itoa(i)}).Want(http.StatusCreated)
		rep.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cu.ID, "name": "商机" + strconv.Itoa(i),
			"amount": map[string]any{"amount": 100000, "currency": "CNY"}, "expected_close": "2030-06-30"}).Want(http.StatusCreated)
	}
	// The one contact the page does not load (it asks for a hundred, as here).
	var loaded, all struct{ Items []struct{ ID string } }
	rep.Do("GET", "/api/v1/customers/"+cu.ID+"/contacts?limit=100", nil).Want(http.StatusOK).JSON(&loaded)
	rep.Do("GET", "/api/v1/customers/"+cu.ID+"/contacts?limit=200", nil).Want(http.StatusOK).JSON(&all)
	seen := map[string]bool{}
	for _, c := range loaded.Items {
		seen[c.ID] = true
	}
	beyond := ""
	for _, c := range all.Items {
		if !seen[c.ID] {
			beyond = c.ID
		}
	}
	if len(all.Items) != 101 || beyond == "" {
		t.Fatalf("%d contacts, none beyond the first hundred", len(all.Items))
	}
	rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "contact", "subject_id": beyond,
		"title": "第一百零一位联系人的电话"}).Want(http.StatusCreated)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/customers/" + cu.ID)
	p.waitText(tid("customer-tab-contacts"), "联系人 (100+)")
	p.click(tid("customer-tab-timeline"))
	p.waitText(tid("activity-history"), "第一百零一位联系人的电话", "联系人：…")
	p.shot("customers-timeline-beyond-loaded")
	// The contacts tab loads the rest on request; the timeline then names the contact.
	p.click(tid("customer-tab-contacts"))
	p.click(tid("load-more"))
	p.waitText(tid("customer-tab-contacts"), "联系人 (101)")
	p.waitVisible(tid("row-" + beyond))
	p.waitGone(tid("load-more"))
	p.waitJS("back at the top", `(() => { window.scrollTo(0, 0); return window.scrollY === 0; })()`)
	p.click(tid("customer-tab-timeline"))
	p.waitText(tid("activity-history"), "第一百零一位联系人的电话", "联系人：联系人")
	// So does the opportunities tab.
	p.waitText(tid("customer-tab-opportunities"), "商机 (100+)")
	p.click(tid("customer-tab-opportunities"))
	p.click(tid("load-more"))
	p.waitText(tid("customer-tab-opportunities"), "商机 (101)")
	p.waitGone(tid("load-more"))
}

// TestCustomerDelete: a customer with an opportunity is refused with a
// dialog that says why, in Chinese, and nothing goes; a customer without is
// deleted with its contact and the task on it, which leaves the rep's day.
func TestCustomerDelete(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	var kept, gone apiCustomer
	rep.Do("POST", "/api/v1/customers", map[string]any{"name": "有商机的客户"}).Want(http.StatusCreated).JSON(&kept)
	rep.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": kept.ID, "name": "在谈商机",
		"amount": map[string]any{"amount": 100000, "currency": "CNY"}, "expected_close": "2030-06-30"}).Want(http.StatusCreated)
	rep.Do("POST", "/api/v1/customers", map[string]any{"name": "要删除的客户"}).Want(http.StatusCreated).JSON(&gone)
	rep.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": gone.ID, "name": "将删联系人"}).Want(http.StatusCreated)
	rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "task", "subject_type": "customer", "subject_id": gone.ID,
		"title": "删除前的逾期任务", "due_at": "2020-01-01T00:00:00Z"}).Want(http.StatusCreated)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/customers/" + kept.ID)
	p.click(tid("customer-delete"))
	p.waitText(".ant-popover", "其联系人、跟进记录和附件将一并删除")
	p.click(tid("customer-delete-ok"))
	p.waitText(".ant-modal", "不能删除此客户", "该客户有 1 个商机")
	p.shot("customer-delete-refused")
	p.click(".ant-modal .ant-btn-primary")
	p.waitGone(".ant-modal")
	if len(customersNamed(t, rep, "有商机的客户")) != 1 {
		t.Fatal("the refused customer is gone")
	}

	p.goTo("/my-day")
	p.waitText("body", "删除前的逾期任务")
	p.goTo("/customers/" + gone.ID)
	p.click(tid("customer-delete"))
	p.click(tid("customer-delete-ok"))
	p.waitPath("/customers")
	if len(customersNamed(t, rep, "要删除的客户")) != 0 {
		t.Fatal("the customer is still there")
	}
	p.goTo("/my-day")
	p.waitText("body", "今日")
	p.waitJS("the task gone from my day", `!document.body.innerText.includes("删除前的逾期任务")`)
}

// TestCustomerTimelineNamesItsLead: a call logged on a lead before it was
// converted shows in the customer's timeline, named as the lead's.
func TestCustomerTimelineNamesItsLead(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	var lead struct{ ID string }
	rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "线索时期的钱经理", "company": "钱氏贸易"}).Want(http.StatusCreated).JSON(&lead)
	rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "lead", "subject_id": lead.ID,
		"title": "转化前的第一通电话"}).Want(http.StatusCreated)
	var cv struct{ Customer apiCustomer }
	rep.Do("POST", "/api/v1/leads/"+lead.ID+"/convert", map[string]any{"customer": map[string]any{}}).Want(http.StatusCreated).JSON(&cv)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/customers/" + cv.Customer.ID + "?tab=timeline")
	p.waitText(tid("activity-history"), "转化前的第一通电话", "线索：线索时期的钱经理")
	p.shot("customer-timeline-lead")
}
