package e2e

import (
	"os"
	"testing"
)

// TestReadmeScreenshot saves the picture of the users page (zh-CN, 1280x800,
// the demo data, signed in as the administrator) that the README shows:
//
//	RUDDER_E2E_SCREENSHOT=$PWD/docs/screenshot.png go test -run TestReadmeScreenshot ./web/e2e/
func TestReadmeScreenshot(t *testing.T) {
	out := os.Getenv("RUDDER_E2E_SCREENSHOT")
	if out == "" {
		t.Skip("set RUDDER_E2E_SCREENSHOT=path.png to save the README screenshot")
	}
	env := startServer(t)
	p := openPage(t, env, 1280, 800)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.click(tid("nav-users"))
	p.waitPath("/admin/users")
	p.waitVisible(".ant-table-tbody tr[data-testid^='row-']")
	p.waitText(".ant-table-tbody", "周建国", "系统管理员")
	// Let the fonts load and the table's loading fade end.
	p.waitJS("fonts", `document.fonts.status === 'loaded'`)
	p.waitJS("the table to finish loading", `!document.querySelector('.ant-spin-spinning') &&
		[...document.querySelectorAll('.ant-spin-container, .ant-table')].every((el) => getComputedStyle(el).opacity === '1')`)
	buf := p.screenshot()
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d KB)", out, len(buf)/1024)
}
