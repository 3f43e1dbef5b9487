package e2e

import (
	"testing"
)

// TestNarrowScreen: on a phone-sized screen the navigation is a drawer behind
// nav-toggle, and the users page fits the width (the table scrolls inside
// its own box, the page itself does not scroll sideways).
func TestNarrowScreen(t *testing.T) {
	const width = 375
	env := startServer(t)
	p := openPage(t, env, width, 812)

	p.goTo("/login")
	p.waitVisible(tid("demo-card"))
	p.checkNoOverflow(width)
	p.snap("narrow-1-login")
	p.login(adminEmail, demoPassword)
	p.waitVisible(tid("welcome"))
	p.checkNoOverflow(width)

	// No side bar on a phone: the navigation shows only after the toggle.
	p.waitGone(".ant-layout-sider")
	p.waitGone(tid("nav-users"))
	p.click(tid("nav-toggle"))
	p.waitVisible(tid("nav-drawer"))
	p.waitText(tid("nav-drawer"), "用户", "部门", "审计日志")
	p.snap("narrow-2-nav")
	p.click(tid("nav-users"))
	p.waitPath("/admin/users")
	p.waitGone(tid("nav-users")) // the drawer closes on navigation

	p.waitVisible(".ant-table")
	p.waitVisible(".ant-table-tbody tr[data-testid^='row-']")
	p.waitText(".ant-table-tbody", adminName)
	p.waitVisible(tid("create-user"))
	p.waitText(".rudder-crumb-title", "用户")
	p.snap("narrow-3-users")
	p.checkNoOverflow(width)

	// The create form fills the screen and fits too.
	p.click(tid("create-user"))
	p.waitVisible(".ant-drawer-open " + tid("user-name"))
	p.checkNoOverflow(width)
	w, err := eval[float64](p.ctx, `document.querySelector('.ant-drawer-open .ant-drawer-content-wrapper').getBoundingClientRect().width`)
	if err != nil {
		t.Fatal(err)
	}
	if w < width-1 || w > width+1 {
		t.Errorf("the form drawer is %.0f px wide on a %d px screen, want the full width", w, width)
	}
}

// checkNoOverflow fails when the page scrolls sideways at this width.
func (p *page) checkNoOverflow(width int) {
	p.t.Helper()
	const tolerance = 2
	got, err := eval[struct {
		Doc  float64 `json:"doc"`
		Body float64 `json:"body"`
	}](p.ctx, `({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth })`)
	if err != nil {
		p.fatalf("measure the page: %v", err)
	}
	if got.Doc > float64(width+tolerance) || got.Body > float64(width+tolerance) {
		wide, _ := eval[string](p.ctx, `[...document.querySelectorAll('body *')].filter((el) => vis(el) && el.getBoundingClientRect().right > `+
			`document.documentElement.clientWidth + 2).slice(0, 5).map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.')).join(', ')`)
		p.t.Errorf("%s scrolls sideways on a %d px screen: scrollWidth %v (html) / %v (body); too wide: %s", p.path(), width, got.Doc, got.Body, wide)
	}
}
