package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// navigationStatus is the HTTP status of the page's document.
func (p *page) navigationStatus() int {
	p.t.Helper()
	s, err := eval[int](p.ctx, `performance.getEntriesByType('navigation')[0].responseStatus`)
	if err != nil {
		p.fatalf("read the document's status: %v", err)
	}
	return s
}

// acceptLanguage makes the tab ask for pages in the language, as a
// visitor's browser set to it would.
func (p *page) acceptLanguage(lang string) {
	p.t.Helper()
	p.do("set Accept-Language", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
		return err
	}))
}

// TestPublicWebForm: a visitor (not signed in) fills the public web-to-lead
// page and is thanked, and the lead is in the form's pool; a submission
// with the hidden honeypot filled gets the 422 page saying it looked
// automated, keeps what was typed, and creates nothing.
func TestPublicWebForm(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		publicWebForm(t, apitest.Start(t, d))
	})
}

func publicWebForm(t *testing.T, env *apitest.Env) {
	admin := env.Login(adminEmail, demoPassword)
	var pool struct{ ID string }
	admin.Do("POST", "/api/v1/pools", map[string]any{"name": "官网公海", "department_id": departmentID(t, admin, "上海一组")}).
		Want(http.StatusCreated).JSON(&pool)
	var form struct {
		ID, Path string
	}
	admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "官网咨询", "target": "pool", "pool_id": pool.ID, "default_source": "官网"}).
		Want(http.StatusCreated).JSON(&form)
	submissions := func() []map[string]any {
		var page struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/web-forms/"+form.ID+"/submissions", nil).Want(http.StatusOK).JSON(&page)
		return page.Items
	}

	p := openPage(t, env, 1280, 900)
	p.acceptLanguage("zh-CN,zh;q=0.9")
	p.goTo(form.Path)
	p.waitText("h1", "官网咨询")
	if p.navigationStatus() != http.StatusOK {
		t.Fatalf("the form page answered %d", p.navigationStatus())
	}
	// The honeypot is in the form but off the screen, out of people's way.
	p.waitJS("the website field off the screen", `(() => { const el = document.getElementById('website'); return !!el && el.getBoundingClientRect().right <= 0; })()`)

	// A bot fills the honeypot too.
	p.fill("#name", "自动程序")
	p.fill("#phone", "13900009999")
	if _, err := eval[string](p.ctx, `document.getElementById('website').value = 'http://spam.example'`); err != nil {
		t.Fatal(err)
	}
	p.click("button[type=submit]")
	p.waitText(".err[role=alert]", "提交被识别为自动程序")
	if s := p.navigationStatus(); s != http.StatusUnprocessableEntity {
		t.Fatalf("the honeypot submission answered %d, want 422", s)
	}
	p.waitJS("the typed name kept and the honeypot emptied", `document.getElementById('name').value === '自动程序' && document.getElementById('website').value === ''`)
	p.snap("publicform-1-spam")
	if subs := submissions(); len(subs) != 0 {
		t.Fatalf("the honeypot submission was stored: %v", subs)
	}
	if l := leadByName(t, admin, "自动程序"); l != nil {
		t.Fatalf("the honeypot submission made a lead: %+v", l)
	}
	if got := admin.Do("GET", "/api/v1/web-forms/"+form.ID, nil).Want(http.StatusOK).Map(); got["spam_blocked"] != 1.0 {
		t.Fatalf("spam_blocked = %v, want 1", got["spam_blocked"])
	}

	// A person: the thank-you page, and the lead in the form's pool.
	p.goTo(form.Path)
	p.fill("#name", "周小姐")
	p.fill("#company", "恒通物流有限公司")
	p.fill("#phone", "13900001234")
	p.fill("#message", "想了解报价")
	p.click("button[type=submit]")
	p.waitText("h1", "提交成功")
	p.waitText("main", "感谢您的留言")
	if s := p.navigationStatus(); s != http.StatusOK {
		t.Fatalf("the submission answered %d", s)
	}
	p.snap("publicform-2-thanks")
	subs := submissions()
	if len(subs) != 1 || subs[0]["lead_id"] == nil {
		t.Fatalf("submissions after the person's: %v", subs)
	}
	l := admin.Do("GET", "/api/v1/leads/"+subs[0]["lead_id"].(string), nil).Want(http.StatusOK).Map()
	if l["contact_name"] != "周小姐" || l["company"] != "恒通物流有限公司" || l["phone"] != "13900001234" || l["source"] != "官网" ||
		l["pool_id"] != pool.ID || l["notes"] != "想了解报价" {
		t.Fatalf("the lead from the form: %v", l)
	}
}
