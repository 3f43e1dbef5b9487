package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rudder-crm/rudder/internal/api"
	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestImportCustomerDuplicatesAndCancel: a row matching the rep's customer
// is skipped and listed with what it matched; a large import is cancelled
// from the page; the upload step then lists both imports with their status.
func TestImportCustomerDuplicatesAndCancel(t *testing.T) {
	sharedBrowser(t)
	env := apitest.StartWith(t, dbtest.Open(t, db.SQLite), api.Options{Demo: true, ImportSyncRows: 10})
	rep := env.Login(rep1Email, demoPassword)
	rep.Do("POST", "/api/v1/customers", map[string]any{"name": "导入查重客户有限公司", "phone": "13677770001"}).Want(201)
	dir := t.TempDir()
	small := filepath.Join(dir, "查重.csv")
	if err := os.WriteFile(small, []byte("姓名,手机\n撞客户,13677770001\n新面孔,13677770002\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var big strings.Builder
	big.WriteString("姓名,手机\n")
	for i := 0; i < 80000; i++ {
		fmt.Fprintf(&big, "大批%d,1367%07d\n", i, 8000000+i)
	}
	large := filepath.Join(dir, "大文件.csv")
	if err := os.WriteFile(large, []byte(big.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/leads/import")
	p.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(tid("import-upload")+` input[type=file]`), []string{small}))
	p.waitText(tid("import-map-1"), "手机号")
	p.click(tid("import-start"))
	p.waitText(tid("import-done"), "导入完成")
	p.waitText(tid("import-created"), "1")
	p.waitText(tid("import-skipped"), "1")
	p.waitText(tid("import-duplicate-rows"), "13677770001", "matches customer 导入查重客户有限公司; skipped")
	p.snap("import-dupes-result")
	if leadByName(t, rep, "撞客户") != nil || leadByName(t, rep, "新面孔") == nil {
		t.Fatal("the row matching a customer was imported, or the new one was not")
	}

	// A large file runs in the background; cancelling stops it.
	p.click(tid("import-again"))
	p.do("choose the large file", chromedp.SetUploadFiles(chromedp.CSS(tid("import-upload")+` input[type=file]`), []string{large}))
	p.waitText(tid("import-map-1"), "手机号")
	p.click(tid("import-start"))
	p.click(tid("import-cancel"))
	p.waitText(tid("import-cancelled"), "导入已取消")
	var list struct {
		Items []struct {
			FileName      string `json:"file_name"`
			Status        string
			ProcessedRows int `json:"processed_rows"`
		}
	}
	rep.Do("GET", "/api/v1/imports", nil).Want(200).JSON(&list)
	if len(list.Items) != 2 || list.Items[0].Status != "cancelled" || list.Items[0].ProcessedRows >= 80000 || list.Items[1].Status != "done" {
		t.Fatalf("imports after the cancel: %+v", list.Items)
	}

	// The upload step lists them, newest first, in both languages.
	p.click(tid("import-again"))
	p.waitText(tid("import-recent"), "最近的导入", "大文件.csv", "已取消", "查重.csv", "完成")
	p.snap("import-recent")
	en := openPage(t, env, 375, 812)
	en.goTo("/login")
	en.click(tid("lang-en"))
	en.login(rep1Email, demoPassword)
	en.goTo("/leads/import")
	en.waitText(tid("import-recent"), "Recent imports", "Cancelled", "Done")
	en.checkNoOverflow(375)
	en.snap("import-recent-narrow-en")
}
