package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

const formURLEncoded = "application/x-www-form-urlencoded"

// wfSetup makes a pool of 广州一组 and a rule sending source 官网 there.
func wfSetup(t *testing.T, admin *apitest.Client) (poolID string) {
	t.Helper()
	deps := plDepts(t, admin)
	pl := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "官网公海", "department_id": deps["广州一组"]}).Want(201).Map()
	admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "官网线索", "department_id": deps["广州一组"],
		"conditions": map[string]any{"source": "官网"}}).Want(201)
	return pl["id"].(string)
}

func wfSubmissions(t *testing.T, admin *apitest.Client, formID string) []map[string]any {
	t.Helper()
	var page struct{ Items []map[string]any }
	admin.Do("GET", "/api/v1/web-forms/"+formID+"/submissions", nil).Want(200).JSON(&page)
	return page.Items
}

func TestWebFormCaptureAndRouting(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, anon := e.Demo("admin@demo.local"), e.Anon()
		poolID := wfSetup(t, admin)
		form := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "官网咨询", "target": "rules", "pool_id": poolID,
			"default_source": "官网", "default_industry": "制造"}).Want(201).Map()
		token, path := form["token"].(string), form["path"].(string)
		if len(token) < 22 || path != "/f/"+token || form["enabled"] != true || form["rate_limit_per_hour"] != 100.0 {
			t.Fatalf("form: %v", form)
		}

		// The page: Chinese by default, English on request; honeypot hidden.
		page := string(anon.Do("GET", path, nil).Want(200).Body)
		for _, want := range []string{"姓名", "公司", "手机", "邮箱", "留言", `name="website"`, `autocomplete="off"`, "官网咨询"} {
			if !strings.Contains(page, want) {
				t.Fatalf("zh page lacks %q: %s", want, page)
			}
		}
		if strings.Contains(page, "<script") || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
			t.Fatalf("page is not self-contained: %s", page)
		}
		en := string(anon.Do("GET", path, nil, "Accept-Language", "en-US,en;q=0.9,zh-CN;q=0.5").Want(200).Body)
		if !strings.Contains(en, "Mobile") || strings.Contains(en, "姓名") {
			t.Fatalf("en page: %s", en)
		}
		if en := string(anon.Do("GET", path+"?lang=en", nil, "Accept-Language", "zh-CN").Want(200).Body); !strings.Contains(en, "Company") {
			t.Fatalf("?lang=en page: %s", en)
		}

		// A JSON submission lands through the rules: 广州一组's rep, source 官网.
		r := anon.Do("POST", path, map[string]any{"name": "钱经理", "company": "（广州）远航贸易有限公司", "phone": "13900001234",
			"email": "qian@yuanhang.example", "message": "想了解报价\n谢谢"}).Want(201).Map()
		if r["status"] != "received" {
			t.Fatalf("answer: %v", r)
		}
		subs := wfSubmissions(t, admin, form["id"].(string))
		if len(subs) != 1 || subs[0]["duplicates"] != 0.0 {
			t.Fatalf("submissions: %v", subs)
		}
		leadID := subs[0]["lead_id"].(string)
		l := admin.Do("GET", "/api/v1/leads/"+leadID, nil).Want(200).Map()
		users := plUsers(t, admin)
		south := map[any]bool{users["south1.rep1@demo.local"]: true, users["south1.rep2@demo.local"]: true, users["south1.rep3@demo.local"]: true}
		if !south[l["owner_id"]] || l["pool_id"] != nil || l["source"] != "官网" || l["industry"] != "制造" ||
			l["created_by"] != "system" || l["contact_name"] != "钱经理" || l["notes"] != "想了解报价\n谢谢" {
			t.Fatalf("lead: %v", l)
		}
		var hist struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/leads/"+leadID+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) < 2 || hist.Items[len(hist.Items)-1]["action"] != "create" ||
			hist.Items[len(hist.Items)-1]["actor_name"] != "web form: 官网咨询" {
			t.Fatalf("lead history: %v", hist.Items)
		}
		if ev := plEvents(t, admin, leadID); len(ev) != 2 || !strings.HasPrefix(ev[0], "assign:"+l["owner_id"].(string)) {
			t.Fatalf("pool events: %v", ev)
		}

		// An HTML form post (cross-origin, as from the customer's website):
		// a thank-you page. The same phone again is a flagged duplicate.
		body := url.Values{"name": {"钱经理"}, "phone": {"139 0000 1234"}, "website": {""}}.Encode()
		thanks := string(anon.Do("POST", path, body, "Content-Type", formURLEncoded, "Sec-Fetch-Site", "cross-site",
			"Origin", "https://www.customer.example").Want(200).Body)
		if !strings.Contains(thanks, "提交成功") {
			t.Fatalf("thanks page: %s", thanks)
		}
		// The cross-origin protection still guards the API.
		anon.Do("POST", "/api/v1/sessions", map[string]any{"email": "x@y.z", "password": "p"}, "Sec-Fetch-Site", "cross-site",
			"Origin", "https://www.customer.example").Want(403)
		subs = wfSubmissions(t, admin, form["id"].(string))
		if len(subs) != 2 || subs[0]["duplicates"] != 1.0 {
			t.Fatalf("duplicate submission: %v", subs)
		}

		// The honeypot: refused with 422 naming the field, nothing kept but
		// the count; the page form comes back with the visitor's entries,
		// the hidden field emptied, and says why it was not sent.
		before := auditCount(t, e)
		p := anon.Do("POST", path, map[string]any{"name": "bot", "phone": "13900009999", "website": "http://spam.example"}).Want(422).Problem()
		if len(p.Errors) != 1 || p.Errors[0].Location != "body.website" {
			t.Fatalf("honeypot answer: %+v", p)
		}
		spamPage := string(anon.Do("POST", path, "name=%E7%8E%8B%E5%B0%8F%E4%BA%8C&phone=13900009998&website=http%3A%2F%2Fspam.example",
			"Content-Type", formURLEncoded).Want(422).Body)
		for _, want := range []string{"提交被识别为自动程序", `value="王小二"`, `value="13900009998"`} {
			if !strings.Contains(spamPage, want) {
				t.Fatalf("honeypot page lacks %q: %s", want, spamPage)
			}
		}
		if strings.Contains(spamPage, "spam.example") {
			t.Fatalf("honeypot page keeps the hidden field's value: %s", spamPage)
		}
		if n := len(wfSubmissions(t, admin, form["id"].(string))); n != 2 || auditCount(t, e) != before {
			t.Fatalf("honeypot wrote: %d submissions, audit %d → %d", n, before, auditCount(t, e))
		}
		got := admin.Do("GET", "/api/v1/web-forms/"+form["id"].(string), nil).Want(200).Map()
		if got["spam_blocked"] != 2.0 || got["submissions"] != 2.0 {
			t.Fatalf("counts: %v", got)
		}
	})
}

func TestWebFormBadInput(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, anon := e.Demo("admin@demo.local"), e.Anon()
		poolID := wfSetup(t, admin)
		form := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "展会表单", "target": "pool", "pool_id": poolID,
			"rate_limit_per_hour": 1000}).Want(201).Map()
		path := form["path"].(string)
		before := auditCount(t, e)

		p := anon.Do("POST", path, map[string]any{"name": "", "email": "not-an-email", "company": strings.Repeat("公", 101)}).Want(422).Problem()
		if !p.Names("body.name") || !p.Names("body.email") || !p.Names("body.company") {
			t.Fatalf("problem: %+v", p)
		}
		p = anon.Do("POST", path, map[string]any{"name": "a\u0007b", "phone": "138\u202e00"}).Want(422).Problem()
		if !p.Names("body.name") || !p.Names("body.phone") {
			t.Fatalf("control characters: %+v", p)
		}
		if p = anon.Do("POST", path, map[string]any{"name": "只有名字"}).Want(422).Problem(); !p.Names("body.phone") {
			t.Fatalf("no way to reach: %+v", p)
		}
		anon.Do("POST", path, map[string]any{"name": "x", "phone": "1", "admin": true}).Want(422).Problem()
		anon.Do("POST", path, `{"name":"x","phone":"1"}{}`).Want(422)
		anon.Do("POST", path, `[`).Want(422).Problem()
		anon.Do("POST", path, "name=x", "Content-Type", "text/plain").Want(415)
		anon.Do("POST", path, "name="+strings.Repeat("x", 20000), "Content-Type", formURLEncoded).Want(413)
		anon.Do("POST", path, "name=a&name=b&phone=1", "Content-Type", formURLEncoded).Want(422)
		// The HTML form shows the errors in place, keeping what was typed.
		html := string(anon.Do("POST", path, url.Values{"name": {""}, "company": {"保留的公司"}, "email": {"bad"}}.Encode(),
			"Content-Type", formURLEncoded).Want(422).Body)
		for _, want := range []string{"请填写此项", "格式不正确", "保留的公司"} {
			if !strings.Contains(html, want) {
				t.Fatalf("error page lacks %q: %s", want, html)
			}
		}
		html = string(anon.Do("POST", path+"?lang=en", url.Values{"name": {""}, "phone": {"1"}}.Encode(),
			"Content-Type", formURLEncoded).Want(422).Body)
		if !strings.Contains(html, "is required") {
			t.Fatalf("en error page: %s", html)
		}
		if after := auditCount(t, e); after != before {
			t.Fatalf("bad input wrote: audit %d → %d", before, after)
		}

		// Unknown, disabled and rotated-away tokens: 404.
		anon.Do("GET", "/f/no-such-token", nil).Want(404)
		anon.Do("POST", "/f/no-such-token", map[string]any{"name": "x", "phone": "1"}).Want(404).Problem()
		anon.Do("GET", "/f/"+strings.Repeat("a", 5000), nil).Want(404)
		anon.Do("PUT", path, nil).Want(405)
		rot := admin.Do("POST", "/api/v1/web-forms/"+form["id"].(string)+"/rotate-token", nil, "If-Match", `"1"`).Want(200).Map()
		if rot["token"] == form["token"] || rot["version"] != 2.0 {
			t.Fatalf("rotated: %v", rot)
		}
		admin.Do("POST", "/api/v1/web-forms/"+form["id"].(string)+"/rotate-token", nil, "If-Match", `"1"`).Want(412)
		anon.Do("GET", path, nil).Want(404)
		anon.Do("GET", rot["path"].(string), nil).Want(200)
		admin.Do("PATCH", "/api/v1/web-forms/"+form["id"].(string), map[string]any{"enabled": false}, "If-Match", `"2"`).Want(200)
		anon.Do("GET", rot["path"].(string), nil).Want(404)
		var hist struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/web-forms/"+form["id"].(string)+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 3 || strings.Contains(string(admin.Do("GET", "/api/v1/web-forms/"+form["id"].(string)+"/history", nil).Body), rot["token"].(string)) {
			t.Fatalf("form history: %v", hist.Items)
		}

		// A form whose pool is gone takes nothing, and says so without a 500.
		gone := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "将删除", "department_id": plDepts(t, admin)["深圳二组"]}).Want(201).Map()
		orphan := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "孤儿表单", "target": "rules", "pool_id": gone["id"]}).Want(201).Map()
		admin.Do("DELETE", "/api/v1/pools/"+gone["id"].(string), nil, "If-Match", `"1"`).Want(204)
		before = auditCount(t, e)
		anon.Do("POST", orphan["path"].(string), map[string]any{"name": "无处可去", "phone": "13700000000"}).Want(503).Problem()
		if auditCount(t, e) != before {
			t.Fatal("a form without a pool wrote")
		}

		// Administration: refused input, permissions, other tenants.
		admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "x", "target": "pool", "pool_id": "00000000-0000-7000-8000-000000000000"}).
			Want(422).Problem().Names("body.pool_id")
		admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "x", "target": "nope", "pool_id": poolID}).Want(422)
		e.Demo("east1.manager@demo.local").Do("GET", "/api/v1/web-forms", nil).Want(403)
		e.Demo("director@demo.local").Do("GET", "/api/v1/web-forms/"+form["id"].(string), nil).Want(200)
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "o@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("o@other.test", "outsider password")
		other.Do("GET", "/api/v1/web-forms/"+form["id"].(string), nil).Want(404)
		other.Do("POST", "/api/v1/web-forms", map[string]any{"name": "x", "target": "pool", "pool_id": poolID}).Want(422)
	})
}

func TestWebFormPoolTargetAndRateLimits(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, anon := e.Demo("admin@demo.local"), e.Anon()
		poolID := wfSetup(t, admin)
		// Target pool: the lead waits in the pool even though a rule matches.
		form := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "公海表单", "target": "pool", "pool_id": poolID,
			"default_source": "官网"}).Want(201).Map()
		path := form["path"].(string)
		for i := 0; i < PerIPLimitForTest; i++ {
			anon.Do("POST", path, map[string]any{"name": "客户" + strconv.Itoa(i), "email": "c" + strconv.Itoa(i) + "@x.example"}).Want(201)
		}
		subs := wfSubmissions(t, admin, form["id"].(string))
		l := admin.Do("GET", "/api/v1/leads/"+subs[0]["lead_id"].(string), nil).Want(200).Map()
		if l["pool_id"] != poolID || l["owner_id"] != nil || l["source"] != "官网" {
			t.Fatalf("pooled lead: %v", l)
		}
		// Per address: the sixth within ten minutes waits, honeypot or not.
		r := anon.Do("POST", path, map[string]any{"name": "第六个", "email": "six@x.example"}).Want(429)
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 600 {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
		anon.Do("POST", path, map[string]any{"name": "bot", "website": "x"}).Want(429)
		html := string(anon.Do("POST", path, "name=x&phone=1", "Content-Type", formURLEncoded).Want(429).Body)
		if !strings.Contains(html, "提交过于频繁") {
			t.Fatalf("429 page: %s", html)
		}
		if n := len(wfSubmissions(t, admin, form["id"].(string))); n != PerIPLimitForTest {
			t.Fatalf("%d submissions", n)
		}
		// Per form: everyone together.
		small := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "小表单", "target": "pool", "pool_id": poolID,
			"rate_limit_per_hour": 2}).Want(201).Map()
		for i := 0; i < 2; i++ {
			anon.Do("POST", small["path"].(string), map[string]any{"name": "甲", "phone": "1380000000" + strconv.Itoa(i)}).Want(201)
		}
		anon.Do("POST", small["path"].(string), map[string]any{"name": "乙", "phone": "13800000009"}).Want(429)
	})
}

// PerIPLimitForTest mirrors webform.PerIPLimit, restated so the test fails if it silently changes.
const PerIPLimitForTest = 5
