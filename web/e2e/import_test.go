package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// importCSV is a spreadsheet export in GB18030 (as Excel saves CSV on a
// Chinese Windows): Chinese headers, one column nothing maps to, and one row
// whose phone is not a phone number.
const importCSV = "姓名,公司,手机,邮箱,客户等级\r\n" +
	"韩梅梅,梅花科技有限公司,13600000001,hmm@example.com,A\r\n" +
	"李雷,雷霆物流有限公司,13600000002,,B\r\n" +
	"王芳,芳华教育咨询有限公司,电话未知,wf@example.com,A\r\n" +
	"赵强,强盛机械制造有限公司,13600000004,,C\r\n"

func writeImportFile(t *testing.T) string {
	t.Helper()
	body, err := simplifiedchinese.GB18030.NewEncoder().String(importCSV)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "线索导入.csv")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportFlow: from the leads page, a GB18030 CSV is uploaded, the
// suggested mapping kept, the import run; the counters say 3 created and 1
// error, the refused row is listed and the error report downloads.
func TestImportFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		importFlow(t, apitest.Start(t, d))
	})
}

func importFlow(t *testing.T, env *apitest.Env) {
	file := writeImportFile(t)
	rep := env.Login(rep1Email, demoPassword)
	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.click(tid("import-leads"))
	p.waitPath("/leads/import")
	p.waitText(tid("import-steps"), "上传文件", "对应字段", "导入结果")
	p.waitText(tid("import-upload"), "点击或拖入 CSV / Excel 文件")
	p.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(tid("import-upload")+` input[type=file]`), []string{file}))

	// The suggested mapping, from the Chinese headers.
	p.waitText(tid("import-file"), "线索导入.csv", "4 行", "GB18030")
	p.waitText(tid("import-map-0"), "联系人")
	p.waitText(tid("import-map-1"), "公司")
	p.waitText(tid("import-map-2"), "手机号")
	p.waitText(tid("import-map-3"), "邮箱")
	p.waitText(tid("import-map-4"), "不导入")
	p.waitText(tid("import-mapping"), "韩梅梅 / 李雷 / 王芳")
	p.snap("import-1-mapping")
	p.click(tid("import-start"))

	p.waitText(tid("import-done"), "导入完成")
	p.waitText(tid("import-created"), "新建", "3")
	p.waitText(tid("import-errors"), "出错", "1")
	p.waitText(tid("import-skipped"), "0")
	p.waitText(tid("import-error-rows"), "手机号", "电话未知")
	p.snap("import-2-result")
	for _, name := range []string{"韩梅梅", "李雷", "赵强"} {
		if leadByName(t, rep, name) == nil {
			t.Errorf("lead %s was not imported", name)
		}
	}
	if leadByName(t, rep, "王芳") != nil {
		t.Error("the row with a bad phone was imported")
	}

	// The error report link downloads the CSV (fetched as the link would, with the session).
	p.waitVisible(tid("import-error-report"))
	if _, err := eval[bool](p.ctx, `(window.__dl = null, fetch(document.querySelector('[data-testid="import-error-report"]').href)
  .then(async (r) => { window.__dl = [r.status, r.headers.get('content-disposition') || '', await r.text()].join('|'); }), true)`); err != nil {
		t.Fatal(err)
	}
	p.waitJS("the error report", `!!window.__dl`)
	dl, _ := eval[string](p.ctx, `window.__dl`)
	if !strings.HasPrefix(dl, "200|attachment") || !strings.Contains(dl, "电话未知") || !strings.Contains(dl, "row,field,value,message") {
		t.Fatalf("the error report download = %q", dl)
	}
	href, _ := eval[string](p.ctx, `document.querySelector('[data-testid="import-error-report"]').getAttribute('href')`)
	rep.Do("GET", href, nil).Want(http.StatusOK)
}

// TestImportNarrowEnglish: the wizard in English on a phone, with a UTF-8 file.
func TestImportNarrowEnglish(t *testing.T) {
	const width = 375
	env := startServer(t)
	path := filepath.Join(t.TempDir(), "leads.csv")
	if err := os.WriteFile(path, []byte("\xEF\xBB\xBFContact,Company,Phone\nLi Ming,Acme Ltd,13900000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := openPage(t, env, width, 812)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.login(rep1Email, demoPassword)
	p.goTo("/leads/import")
	p.waitText(tid("import-upload"), "Click or drop a CSV or Excel file")
	p.checkNoOverflow(width)
	p.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(tid("import-upload")+` input[type=file]`), []string{path}))
	p.waitText(tid("import-map-0"), "Contact")
	p.waitText(tid("import-map-2"), "Phone")
	p.checkNoOverflow(width)
	p.snap("import-narrow-en-mapping")
	p.click(tid("import-start"))
	p.waitText(tid("import-done"), "Import finished")
	p.waitText(tid("import-created"), "Created", "1")
	p.checkNoOverflow(width)
	p.snap("import-narrow-en-result")
}
