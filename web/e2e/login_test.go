package e2e

import (
	"strings"
	"testing"
)

// English words that must not show in the Chinese navigation, and the reverse.
var (
	navZh = []string{"首页", "系统管理", "用户", "部门", "角色与权限", "API 令牌", "审计日志"}
	navEn = []string{"Home", "Administration", "Users", "Departments", "Roles & permissions", "API tokens", "Audit log"}
)

func TestLoginChinese(t *testing.T) {
	env := startServer(t)
	p := openPage(t, env, 1280, 900)

	p.goTo("/login")
	p.waitVisible(tid("login-submit"))
	p.waitVisible(tid("demo-card"))
	p.waitVisible(tid("demo-login-" + adminEmail))
	text := p.bodyText()
	for _, want := range []string{"登录", "邮箱", "密码", "演示账号", adminEmail, "系统管理员"} {
		if !strings.Contains(text, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	for _, bad := range []string{"Sign in", "Password", "Demo accounts"} {
		if strings.Contains(text, bad) {
			t.Errorf("Chinese login page shows English %q", bad)
		}
	}
	if lang, _ := eval[string](p.ctx, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("<html lang> = %q, want zh-CN", lang)
	}

	// A wrong password is refused in Chinese, and the page stays.
	p.fill(tid("login-email"), adminEmail)
	p.fill(tid("login-password"), "not the password")
	p.click(tid("login-submit"))
	p.waitText(tid("login-error"), "邮箱或密码不正确")
	if got := p.path(); !strings.HasPrefix(got, "/login") {
		t.Fatalf("after a failed login the browser is at %s", got)
	}

	// Clicking a demo login fills the form.
	p.click(tid("demo-login-" + adminEmail))
	p.waitJS("the demo login to fill the password", `document.querySelector('[data-testid="login-password"]').value === "`+demoPassword+`"`)
	p.click(tid("login-submit"))
	p.waitVisible(tid("welcome"))
	p.waitPath("/")

	p.waitText(tid("welcome"), adminName)
	p.waitText(tid("user-menu"), adminName)
	p.waitText(tid("home-role"), "系统管理员")
	p.waitText(tid("home-tenant"), "锦程智能科技有限公司")
	nav := p.navText()
	for _, want := range navZh {
		if !strings.Contains(nav, want) {
			t.Errorf("navigation %q lacks %q", nav, want)
		}
	}
	for _, bad := range navEn {
		if strings.Contains(nav, bad) {
			t.Errorf("Chinese navigation %q shows English %q", nav, bad)
		}
	}
	if c := p.cookie(sessionCookie); c == "" {
		t.Errorf("no %s cookie after login", sessionCookie)
	}
}

func TestLoginEnglish(t *testing.T) {
	env := startServer(t)
	p := openPage(t, env, 1280, 900)

	p.goTo("/login")
	p.waitText(".rudder-auth-card", "登录")
	p.click(tid("lang-en"))
	p.waitText(".rudder-auth-card", "Sign in", "Email", "Password")
	p.waitText(tid("demo-card"), "Demo accounts", "Administrator")
	if text := p.bodyText(); strings.Contains(text, "登录") || strings.Contains(text, "演示账号") {
		t.Errorf("English login page still shows Chinese:\n%s", text)
	}
	if got, _ := eval[string](p.ctx, `localStorage.getItem('rudder.locale')`); got != "en-US" {
		t.Errorf("localStorage rudder.locale = %q, want en-US", got)
	}

	p.login(adminEmail, demoPassword)
	p.waitText(tid("welcome"), adminName)
	p.waitText(tid("home-role"), "Administrator")
	checkEnglishNav(t, p)

	// The choice is remembered across a reload.
	p.reload()
	p.waitVisible(tid("welcome"))
	p.waitText(tid("welcome"), adminName)
	checkEnglishNav(t, p)
	if lang, _ := eval[string](p.ctx, `document.documentElement.lang`); lang != "en-US" {
		t.Errorf("after reload <html lang> = %q, want en-US", lang)
	}

	// And it can be switched back from the user menu.
	p.click(tid("user-menu"))
	p.click(tid("menu-lang-zh"))
	p.waitText(".ant-menu", "用户", "部门")
	p.waitText(tid("home-role"), "系统管理员")
}

func checkEnglishNav(t *testing.T, p *page) {
	t.Helper()
	p.waitText(".ant-menu", "Users")
	nav := p.navText()
	for _, want := range navEn {
		if !strings.Contains(nav, want) {
			t.Errorf("navigation %q lacks %q", nav, want)
		}
	}
	for _, bad := range navZh {
		if strings.Contains(nav, bad) {
			t.Errorf("English navigation %q shows Chinese %q", nav, bad)
		}
	}
}
