package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiWebForm struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Path          string `json:"path"`
	DefaultSource string `json:"default_source"`
	Version       int64  `json:"version"`
}

// webFormFixture makes a lead pool of 广州一组 and a form landing there.
func webFormFixture(t *testing.T, admin *apitest.Client) apiWebForm {
	t.Helper()
	dept := departmentByName(t, admin, "广州一组")
	var pool struct{ ID string }
	admin.Do("POST", "/api/v1/pools", map[string]any{"name": "官网公海", "department_id": dept.ID}).Want(http.StatusCreated).JSON(&pool)
	var f apiWebForm
	admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "官网咨询", "target": "pool", "pool_id": pool.ID,
		"default_source": "官网"}).Want(http.StatusCreated).JSON(&f)
	return f
}

// noSideScroll is true when the page's table fits its box.
const noSideScroll = `(() => { const el = document.querySelector('.ant-table-content'); return !!el && el.scrollWidth <= el.clientWidth; })()`

// TestWebFormEditAndSubmissions: an admin edits a form's name and default
// source (the table and a reload show them), a visitor's submission then
// shows in the form's submissions with its lead's details and a link that
// opens the lead, which came in with the new source.
func TestWebFormEditAndSubmissions(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		webFormFlow(t, apitest.Start(t, d))
	})
}

func webFormFlow(t *testing.T, env *apitest.Env) {
	const newName, newSource = "展会留资表单", "展会"
	admin := env.Login(adminEmail, demoPassword)
	form := webFormFixture(t, admin)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.goTo("/admin/web-forms")
	p.waitText(tid("row-"+form.ID), "官网咨询", "进入公海：官网公海", form.Path[:10])
	p.waitJS("the web forms table fits 1280 px in Chinese", noSideScroll)

	// Edit: only the changed fields go out, at the version shown.
	p.click(tid("webform-edit-" + form.ID))
	p.waitText(".ant-modal-title", "编辑表单：官网咨询")
	p.fill(tid("webform-name"), newName)
	p.fill(tid("webform-default-source"), newSource)
	p.click(tid("form-submit"))
	p.waitText(".ant-message", "已保存表单")
	p.waitText(tid("webform-name-"+form.ID), newName)
	var saved apiWebForm
	admin.Do("GET", "/api/v1/web-forms/"+form.ID, nil).Want(http.StatusOK).JSON(&saved)
	if saved.Name != newName || saved.DefaultSource != newSource || saved.Version != form.Version+1 {
		t.Fatalf("after the edit the form is %+v, want name %q, source %q, version %d", saved, newName, newSource, form.Version+1)
	}
	p.reload()
	p.waitText(tid("row-"+form.ID), newName)
	p.snap("webforms-1-edited")

	// Someone else changes the form meanwhile: the save is refused (412) and
	// the list reloads with their change.
	p.click(tid("webform-edit-" + form.ID))
	p.waitText(".ant-modal-title", "编辑表单："+newName)
	admin.Do("PATCH", "/api/v1/web-forms/"+form.ID, map[string]any{"default_region": "华南"}, "If-Match", fmt.Sprintf(`"%d"`, saved.Version)).
		Want(http.StatusOK)
	p.fill(tid("webform-default-industry"), "制造")
	p.click(tid("form-submit"))
	p.waitText(".ant-modal-confirm", "记录已被他人修改")
	p.clickText(".ant-modal-confirm .ant-btn", "重新加载")
	p.waitGone(".ant-modal-confirm")
	p.waitGone(".ant-modal-title")
	admin.Do("GET", "/api/v1/web-forms/"+form.ID, nil).Want(http.StatusOK).JSON(&saved)
	if saved.Version != form.Version+2 {
		t.Fatalf("the refused save changed the form: version %d, want %d", saved.Version, form.Version+2)
	}
	p.click(tid("webform-edit-" + form.ID))
	p.waitJS("the reloaded region in the dialog", `document.querySelector('[data-testid="webform-default-region"]').value === '华南'`)
	p.press("\x1b")
	p.waitGone(".ant-modal-title")

	// A visitor submits; the submission lists the lead, whose link opens it.
	env.Anon().Do("POST", form.Path, map[string]any{"name": "钱经理", "company": "远航贸易有限公司", "phone": "13900001234"}).
		Want(http.StatusCreated)
	var subs struct {
		Items []struct {
			ID     string `json:"id"`
			LeadID string `json:"lead_id"`
		}
	}
	admin.Do("GET", "/api/v1/web-forms/"+form.ID+"/submissions", nil).Want(http.StatusOK).JSON(&subs)
	if len(subs.Items) != 1 {
		t.Fatalf("submissions: %+v", subs.Items)
	}
	sub := subs.Items[0]
	p.reload()
	p.waitText(tid("webform-count-"+form.ID), "1")
	p.click(tid("webform-submissions-" + form.ID))
	p.waitText(".ant-drawer-title", "提交记录："+newName)
	p.waitText(tid("row-"+sub.ID), "钱经理", "远航贸易有限公司", "13900001234")
	p.waitText(tid("webform-submissions-summary"), "共收到 1 条提交", "拦截垃圾提交 0 条")
	p.snap("webforms-2-submissions")
	p.click(tid("submission-lead-" + sub.ID))
	p.waitText(".ant-drawer-title", "线索：钱经理")
	p.waitText(tid("lead-summary"), "新线索")
	var l apiLead
	admin.Do("GET", "/api/v1/leads/"+sub.LeadID, nil).Want(http.StatusOK).JSON(&l)
	if l.ContactName != "钱经理" || l.Source != newSource {
		t.Fatalf("the submitted lead is %+v, want 钱经理 with source %q", l, newSource)
	}
	p.snap("webforms-3-lead")
}

// TestWebFormTableEnglish: in English at 1280 px the forms table does not
// scroll sideways: every column, the actions included, fits.
func TestWebFormTableEnglish(t *testing.T) {
	env := startServer(t)
	form := webFormFixture(t, env.Login(adminEmail, demoPassword))
	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.login(adminEmail, demoPassword)
	p.goTo("/admin/web-forms")
	p.waitText(".ant-table-thead", "Form name", "Leads go to", "Public link", "Submissions", "Spam blocked", "Actions")
	p.waitText(tid("row-"+form.ID), "官网咨询", "Pool: 官网公海")
	p.waitJS("the web forms table fits 1280 px in English", noSideScroll)
	p.waitVisible(tid("webform-delete-" + form.ID))
	p.snap("webforms-en-1280")
}

// TestImportBreadcrumb: the import page's breadcrumb ends in 导入, after a
// link back to the leads.
func TestImportBreadcrumb(t *testing.T) {
	env := startServer(t)
	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.goTo("/leads/import")
	p.waitText(".ant-breadcrumb", "首页", "销售", "线索", "导入")
	p.waitJS("导入 as the last crumb", `norm(document.querySelector('.ant-breadcrumb li:last-child').innerText) === '导入'`)
	p.clickText(".ant-breadcrumb a", "线索")
	p.waitPath("/leads")
	p.waitJS("线索 as the last crumb", `norm(document.querySelector('.ant-breadcrumb li:last-child').innerText) === '线索'`)
}

// topJS finds the newest open drawer (a lead opened from a history link
// opens over the one it is in) and marks it data-e2e-top.
const topJS = `const top = (() => {
  const ds = [...document.querySelectorAll('.ant-drawer-open')];
  ds.forEach((d) => d.removeAttribute('data-e2e-top'));
  const d = ds[ds.length - 1];
  if (d) d.setAttribute('data-e2e-top', '1');
  return d;
})();`

// waitTop waits until the element sel inside the newest open drawer shows
// every one of texts.
func (p *page) waitTop(sel string, texts ...string) {
	p.t.Helper()
	arr, _ := json.Marshal(texts)
	p.waitJS(fmt.Sprintf("the top drawer's %s to show %q", sel, texts), fmt.Sprintf(`(() => { %s
  const el = top && top.querySelector(%s);
  return !!el && vis(el) && %s.every((t) => norm(el.innerText).includes(t));
})()`, topJS, js(sel), arr))
}

// clickTop clicks the element sel inside the newest open drawer.
func (p *page) clickTop(sel string) {
	p.t.Helper()
	p.waitJS("an open drawer", `(() => { `+topJS+` return !!top; })()`)
	p.click("[data-e2e-top] " + sel)
}

// TestMergedHistory: after a merge the survivor's history links to the
// merged lead, whose history links back to the survivor; each link opens
// that lead.
func TestMergedHistory(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		mergedHistory(t, apitest.Start(t, d))
	})
}

func mergedHistory(t *testing.T, env *apitest.Env) {
	admin := env.Login(adminEmail, demoPassword)
	var survivor, merged apiLead
	admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "韩梅", "company": "晨光文具有限公司", "phone": "13611112222"}).
		Want(http.StatusCreated).JSON(&survivor)
	admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "韩梅梅", "company": "晨光文具", "phone": "13611112222",
		"allow_duplicate": true}).Want(http.StatusCreated).JSON(&merged)
	admin.Do("POST", "/api/v1/leads/"+survivor.ID+"/merge", map[string]any{"from_ids": []string{merged.ID}},
		"If-Match", fmt.Sprintf(`"%d"`, survivor.Version)).Want(http.StatusOK)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.goTo("/leads")
	p.click(tid("row-" + survivor.ID))
	p.waitTop(".ant-drawer-title", "线索：韩梅")
	p.clickTop(tid("lead-tab-history"))
	p.waitTop(tid("history"), "合并自", "韩梅梅 · 晨光文具")

	// The survivor's history → the merged lead, whose history → the survivor.
	p.clickTop(tid("lead-link-" + merged.ID))
	p.waitTop(".ant-drawer-title", "线索：韩梅梅")
	p.waitTop(tid("lead-summary"), "merged into "+survivor.ID)
	p.clickTop(tid("lead-tab-history"))
	p.waitTop(tid("history"), "合并到", "韩梅 · 晨光文具有限公司")
	p.snap("merged-history")
	p.clickTop(tid("lead-link-" + survivor.ID))
	p.waitJS("the survivor's drawer on top", `(() => { `+topJS+` return !!top && norm(top.querySelector('.ant-drawer-title').innerText) === '线索：韩梅'; })()`)
}
