package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
	"github.com/rudder-crm/rudder/web"
)

const (
	// testTimeout bounds one test's browser work; waitTimeout one wait.
	testTimeout = 60 * time.Second
	waitTimeout = 15 * time.Second
	pollEvery   = 50 * time.Millisecond

	adminEmail    = "admin@demo.local"
	adminName     = "周建国"
	demoPassword  = "rudder-demo"
	sessionCookie = "rudder_session"
)

// One Chromium for the whole package; every test gets a fresh browser
// context (own cookies and localStorage) in a tab of its own.
var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
	browserStop func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if browserStop != nil {
		browserStop()
	}
	os.Exit(code)
}

func chromiumPath() string {
	if p := os.Getenv("RUDDER_TEST_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// unavailable skips the test, or fails it when RUDDER_TEST_REQUIRE_BROWSER=1.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("RUDDER_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatalf("%s (RUDDER_TEST_REQUIRE_BROWSER=1)", msg)
	}
	t.Skipf("browser tests skipped: %s", msg)
}

func startBrowser() {
	dir, err := os.MkdirTemp("", "rudder-e2e-chromium-")
	if err != nil {
		browserErr = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	browserStop = func() {
		cancel()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	// The first Do starts the browser; its context must have no deadline
	// (the browser lives as long as it), so a watchdog bounds the start.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		err = errors.New("chromium did not start within 30s")
		cancel()
	}
	if err != nil {
		browserErr = fmt.Errorf("start %s: %w", chromiumPath(), err)
		return
	}
	browserCtx = ctx
}

// sharedBrowser returns the package's browser, skipping (or failing) the
// test when Chromium or the built UI is missing.
func sharedBrowser(t *testing.T) context.Context {
	t.Helper()
	if !web.Built() {
		unavailable(t, "the UI is not built into the test binary: run `make ui` (cd web && npm run build), then test again")
	}
	if _, err := exec.LookPath(chromiumPath()); err != nil {
		unavailable(t, "Chromium not found at %s (install chromium or set RUDDER_TEST_CHROMIUM): %v", chromiumPath(), err)
	}
	browserOnce.Do(startBrowser)
	if browserErr != nil {
		unavailable(t, "%v", browserErr)
	}
	return browserCtx
}

// startServer boots a server over a fresh SQLite database with the demo
// tenant (after checking the browser, so a skip costs nothing).
func startServer(t *testing.T) *apitest.Env {
	t.Helper()
	sharedBrowser(t)
	return apitest.Start(t, dbtest.Open(t, db.SQLite))
}

// page is one browser tab of one test.
type page struct {
	t    *testing.T
	base string
	tab  context.Context // the tab's context, without a deadline
	ctx  context.Context // the tab's context with the test's deadline

	mu      sync.Mutex
	console []string
}

// openPage opens a tab of width x height CSS pixels in a fresh browser
// context and checks the browser before anything else.
func openPage(t *testing.T, env *apitest.Env, width, height int64) *page {
	t.Helper()
	bctx := sharedBrowser(t)
	tab, cancelTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, testTimeout)
	t.Cleanup(cancel)
	p := &page{t: t, base: env.URL, tab: tab, ctx: ctx}
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				p.mu.Lock()
				p.console = append(p.console, m.String())
				p.mu.Unlock()
			}
		}
	}()
	// Registered after cancelTab, so it runs before the tab closes.
	t.Cleanup(func() {
		if t.Failed() {
			p.dump()
		}
	})
	return p
}

// dump logs what the page shows, its console errors and, with
// RUDDER_E2E_ARTIFACTS set, saves a screenshot there.
func (p *page) dump() {
	ctx, cancel := context.WithTimeout(p.tab, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		text = fmt.Sprintf("(cannot read: %v)", err)
	}
	p.t.Logf("page %s shows:\n%s", loc, text)
	p.mu.Lock()
	if len(p.console) > 0 {
		p.t.Logf("console errors:\n%s", strings.Join(p.console, "\n"))
	}
	p.mu.Unlock()
	if dir := os.Getenv("RUDDER_E2E_ARTIFACTS"); dir != "" {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(p.t.Name(), "_") + ".png"
			path := filepath.Join(dir, name)
			if err = os.MkdirAll(dir, 0o755); err == nil {
				err = os.WriteFile(path, buf, 0o644)
			}
			if err == nil {
				p.t.Logf("screenshot: %s", path)
			}
		}
		if err != nil {
			p.t.Logf("screenshot: %v", err)
		}
	}
}

func (p *page) fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf(format, args...)
}

// do runs actions with the test's deadline.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.fatalf("%s: %v", what, err)
	}
}

// goTo loads a path of the app.
func (p *page) goTo(path string) {
	p.t.Helper()
	p.do("navigate to "+path, chromedp.Navigate(p.base+path))
}

// reload reloads the page.
func (p *page) reload() {
	p.t.Helper()
	p.do("reload", chromedp.Reload())
}

// jsPrelude defines helpers for the expressions below: vis (is an element
// rendered and visible), norm (collapse white space) and find (the first
// visible element matching a selector whose text or title is the given one).
const jsPrelude = `
const vis = (el) => {
  if (!el || !el.isConnected) return false;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
  }
  return true;
};
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
const find = (sel, text) => [...document.querySelectorAll(sel)].find((el) =>
  vis(el) && (text === null || norm(el.textContent) === text || el.getAttribute('title') === text));
`

// eval evaluates a JS expression (with the prelude in scope) and decodes the result.
func eval[T any](ctx context.Context, expr string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T]("(() => {"+jsPrelude+"\nreturn ("+expr+");\n})()"))
}

// waitJS polls a boolean JS expression until it is true.
func (p *page) waitJS(what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	var lastErr error
	for {
		ok, err := eval[bool](ctx, expr)
		if err == nil && ok {
			return
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				p.fatalf("timed out waiting for %s (last error: %v)", what, lastErr)
			}
			p.fatalf("timed out waiting for %s", what)
		case <-time.After(pollEvery):
		}
	}
}

func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// tid is the CSS selector of a data-testid.
func tid(id string) string { return fmt.Sprintf(`[data-testid=%q]`, id) }

// waitVisible waits for a visible element matching the CSS selector.
func (p *page) waitVisible(sel string) {
	p.t.Helper()
	p.waitJS("visible "+sel, fmt.Sprintf(`!!find(%s, null)`, js(sel)))
}

// waitGone waits until no element matching the CSS selector is visible.
func (p *page) waitGone(sel string) {
	p.t.Helper()
	p.waitJS("no visible "+sel, fmt.Sprintf(`!find(%s, null)`, js(sel)))
}

// waitText waits until a visible element matching sel contains every one of texts.
func (p *page) waitText(sel string, texts ...string) {
	p.t.Helper()
	arr, _ := json.Marshal(texts)
	p.waitJS(fmt.Sprintf("%s to show %q", sel, texts), fmt.Sprintf(
		`[...document.querySelectorAll(%s)].some((el) => vis(el) && %s.every((t) => norm(el.innerText).includes(t)))`, js(sel), arr))
}

// text returns the visible text of the first visible element matching sel.
func (p *page) text(sel string) string {
	p.t.Helper()
	p.waitVisible(sel)
	s, err := eval[string](p.ctx, fmt.Sprintf(`norm(find(%s, null).innerText)`, js(sel)))
	if err != nil {
		p.fatalf("read text of %s: %v", sel, err)
	}
	return s
}

// bodyText is everything the page shows.
func (p *page) bodyText() string {
	p.t.Helper()
	return p.text("body")
}

// path is the current location's path and query.
func (p *page) path() string {
	p.t.Helper()
	s, err := eval[string](p.ctx, `location.pathname + location.search`)
	if err != nil {
		p.fatalf("read location: %v", err)
	}
	return s
}

// waitPath waits for the location's path to be path.
func (p *page) waitPath(path string) {
	p.t.Helper()
	p.waitJS("location "+path, fmt.Sprintf(`location.pathname === %s`, js(path)))
}

// mark finds the first visible element matching sel (and with text, when
// not empty, as its whole text or title), waits until it stops moving and
// nothing covers its centre (drawers and dropdowns animate), and returns a
// selector that names exactly that element.
func (p *page) mark(sel, text string) string {
	p.t.Helper()
	textArg := "null"
	what := sel
	if text != "" {
		textArg = js(text)
		what = fmt.Sprintf("%s %q", sel, text)
	}
	p.waitJS("clickable "+what, fmt.Sprintf(`(() => {
  const el = find(%s, %s);
  if (!el) return false;
  if (!el.dataset.e2e) { window.__e2eSeq = (window.__e2eSeq || 0) + 1; el.dataset.e2e = String(window.__e2eSeq); }
  window.__e2eMark = el.dataset.e2e;
  el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const r = el.getBoundingClientRect();
  const key = [r.x, r.y, r.width, r.height].join(',');
  const still = el.__e2eRect === key;
  el.__e2eRect = key;
  if (!still) return false;
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return !!hit && (el === hit || el.contains(hit) || hit.contains(el));
})()`, js(sel), textArg))
	id, err := eval[string](p.ctx, `window.__e2eMark`)
	if err != nil {
		p.fatalf("mark %s: %v", what, err)
	}
	return fmt.Sprintf(`[data-e2e=%q]`, id)
}

// click clicks (with the mouse) the first visible element matching sel.
func (p *page) click(sel string) {
	p.t.Helper()
	p.do("click "+sel, chromedp.Click(chromedp.CSS(p.mark(sel, ""))))
}

// clickText clicks the first visible element matching sel whose whole text
// (or title) is text.
func (p *page) clickText(sel, text string) {
	p.t.Helper()
	p.do(fmt.Sprintf("click %s %q", sel, text), chromedp.Click(chromedp.CSS(p.mark(sel, text))))
}

// fill clicks into the input matching sel (or the one inside it), replaces
// its value by typing value, and checks the input took it.
func (p *page) fill(sel, value string) {
	p.t.Helper()
	m := p.mark(sel, "")
	field := fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el.matches('input,textarea') ? el : el.querySelector('input,textarea'); })()`, js(m))
	p.do("focus "+sel, chromedp.Click(chromedp.CSS(m)))
	if _, err := eval[chromedp.Void](p.ctx, field+`.select()`); err != nil {
		p.fatalf("select the text of %s: %v", sel, err)
	}
	p.do("type into "+sel, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if value == "" {
			_, err := chromedp.KeyEvent("\b")(ctx, t)
			return err
		}
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: value})
		return err
	}))
	p.waitJS(fmt.Sprintf("%s to hold %q", sel, value), field+`.value === `+js(value))
}

// press sends keys (e.g. "\r" for Enter) to the focused element.
func (p *page) press(keys string) {
	p.t.Helper()
	p.do("press keys", chromedp.KeyEvent(keys))
}

// openDropdown is the CSS selector of options in an open antd dropdown.
const openDropdown = `.ant-select-dropdown:not(.ant-select-dropdown-hidden) `

// choose picks option of the antd Select with the data-testid.
func (p *page) choose(testid, option string) {
	p.t.Helper()
	p.openSelect(testid, openDropdown+".ant-select-item-option", option)
	p.clickText(openDropdown+".ant-select-item-option", option)
	p.waitText(tid(testid)+" .ant-select-selection-item", option)
}

// chooseTree picks a node of the antd TreeSelect with the data-testid.
func (p *page) chooseTree(testid, option string) {
	p.t.Helper()
	p.openSelect(testid, openDropdown+".ant-select-tree-node-content-wrapper", option)
	p.clickText(openDropdown+".ant-select-tree-node-content-wrapper", option)
	p.waitText(tid(testid)+" .ant-select-selection-item", option)
}

// openSelect clicks a Select until its dropdown shows the option. On a
// loaded machine a click that lands while a drawer is still settling can
// open and at once close the dropdown; a person would simply click again.
func (p *page) openSelect(testid, optionSel, option string) {
	p.t.Helper()
	shown := fmt.Sprintf(`!!find(%s, %s)`, js(optionSel), js(option))
	for attempt := 1; ; attempt++ {
		p.click(tid(testid))
		if p.within(4*time.Second, shown) || attempt == 3 {
			return
		}
		p.press("\x1b") // Escape: close whatever half-opened
	}
}

// within polls a boolean JS expression for at most d and reports whether it
// became true (no failure: the caller decides).
func (p *page) within(d time.Duration, expr string) bool {
	ctx, cancel := context.WithTimeout(p.ctx, d)
	defer cancel()
	for {
		if ok, err := eval[bool](ctx, expr); err == nil && ok {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(pollEvery):
		}
	}
}

// login signs in through the login page and waits for the home page.
func (p *page) login(email, password string) {
	p.t.Helper()
	if !strings.HasPrefix(p.path(), "/login") {
		p.goTo("/login")
	}
	p.fill(tid("login-email"), email)
	p.fill(tid("login-password"), password)
	p.click(tid("login-submit"))
	p.waitVisible(tid("user-menu"))
}

// cookie returns the value of the browser's cookie for the app, "" if none.
func (p *page) cookie(name string) string {
	p.t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.base}})
	if err != nil {
		p.fatalf("read cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// screenshot takes a picture of the viewport.
func (p *page) screenshot() []byte {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.fatalf("screenshot: %v", err)
	}
	return buf
}

// navText is the visible text of the side navigation (or the phone drawer).
func (p *page) navText() string {
	p.t.Helper()
	return p.text(".ant-menu")
}

// snap saves a screenshot of the viewport as NAME.png into
// $RUDDER_E2E_ARTIFACTS/steps when RUDDER_E2E_STEPS=1 (to see what a test sees).
func (p *page) snap(name string) {
	p.t.Helper()
	dir := os.Getenv("RUDDER_E2E_ARTIFACTS")
	if dir == "" || os.Getenv("RUDDER_E2E_STEPS") != "1" {
		return
	}
	dir = filepath.Join(dir, "steps")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.fatalf("%v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), p.screenshot(), 0o644); err != nil {
		p.fatalf("%v", err)
	}
}
