package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// smallPNG writes a 2×2 PNG named name into a temporary directory.
func smallPNG(t *testing.T, name string) (path string, data []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 0x16, G: 0x77, B: 0xff, A: 0xff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// TestCustomerAttachments: on a customer's 360° page a rep uploads a PNG
// through the file input, sees it listed, downloads it (the link serves the
// same bytes as an attachment to the signed-in browser's session), and
// deletes it after confirming.
func TestCustomerAttachments(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		customerAttachments(t, apitest.Start(t, d))
	})
}

func customerAttachments(t *testing.T, env *apitest.Env) {
	const name = "名片扫描.png"
	rep := env.Login(rep1Email, demoPassword)
	id := createCustomer(t, rep, "附件测试有限公司")
	file, data := smallPNG(t, name)
	listed := func() []map[string]any {
		var page struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/attachments?object_type=customer&object_id="+id, nil).Want(http.StatusOK).JSON(&page)
		return page.Items
	}

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/customers/" + id)
	p.click(tid("customer-tab-attachments"))
	p.waitText(tid("attachments"), "暂无附件")
	p.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(tid("attachments")+` input[type=file]`), []string{file}))
	p.waitText(".ant-message", "已上传“"+name+"”")
	p.waitText(tid("attachments")+" .ant-list-item", name, rep1Name)
	p.snap("attachments-1-listed")
	items := listed()
	if len(items) != 1 || items[0]["file_name"] != name || items[0]["size"] != float64(len(data)) || items[0]["content_type"] != "image/png" {
		t.Fatalf("attachments after the upload: %v", items)
	}
	attID := items[0]["id"].(string)

	// The download link, fetched with the browser's session.
	href, err := eval[string](p.ctx, `find('[data-testid="attachments"] .ant-list-item-meta-title a', `+js(name)+`).href`)
	if err != nil {
		t.Fatalf("read the download link: %v", err)
	}
	if !strings.HasSuffix(href, "/api/v1/attachments/"+attID+"/content") {
		t.Fatalf("the download link is %s", href)
	}
	req, _ := http.NewRequest(http.MethodGet, href, nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: p.cookie(sessionCookie)})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, data) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d, %d bytes (want %d), Content-Disposition %q", res.StatusCode, len(got), len(data), res.Header.Get("Content-Disposition"))
	}

	// Delete, after confirming.
	p.click(tid("attachments") + ` .ant-list-item .ant-btn-dangerous`)
	p.waitText(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-title", "删除附件“"+name+"”？")
	if len(listed()) != 1 {
		t.Fatal("the attachment went before the confirmation")
	}
	p.click(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-buttons .ant-btn-primary")
	p.waitText(".ant-message", "已删除“"+name+"”")
	p.waitText(tid("attachments"), "暂无附件")
	if items := listed(); len(items) != 0 {
		t.Fatalf("attachments after the delete: %v", items)
	}
	rep.Do("GET", "/api/v1/attachments/"+attID+"/content", nil).Want(http.StatusNotFound)
}
