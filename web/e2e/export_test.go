package e2e

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestExportLeadsAndCustomers: a manager filters the lead list, exports it
// as CSV from the Export menu and gets the leads the list shows (in their
// scope, a formula neutralised); the customer list exports too; a rep has
// no Export menu.
func TestExportLeadsAndCustomers(t *testing.T) {
	env := startServer(t)
	rep := env.Login(rep1Email, demoPassword)
	var ids []string
	for _, name := range []string{"导出一号", "导出二号"} {
		ids = append(ids, rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": name, "company": "=1+1", "allow_duplicate": true}).Want(http.StatusCreated).Map()["id"].(string))
	}
	env.Login("south1.rep1@demo.local", demoPassword).Do("POST", "/api/v1/leads", map[string]any{"contact_name": "导出三号"}).Want(http.StatusCreated)
	rep.Do("POST", "/api/v1/customers", map[string]any{"name": "导出客户有限公司"}).Want(http.StatusCreated)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login("east1.manager@demo.local", demoPassword)
	p.goTo("/leads")
	p.fill(tid("leads-search"), "导出")
	p.press("\r")
	for _, id := range ids {
		p.waitVisible(tid("row-" + id))
	}
	p.click(tid("export-leads"))
	p.waitVisible(tid("export-leads-csv"))
	p.snap("export-leads-menu")
	rows := fetchCSV(p, "export-leads-csv")
	var names []string
	for _, r := range rows[1:] {
		names = append(names, r[slices.Index(rows[0], "联系人")])
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"导出一号", "导出二号"}) {
		t.Fatalf("exported leads %q, want the manager's two (not 华南's)", names)
	}
	if c := rows[1][slices.Index(rows[0], "公司")]; c != "'=1+1" {
		t.Fatalf("company cell %q, want the formula neutralised", c)
	}

	p.goTo("/customers")
	p.fill(tid("customers-search"), "导出客户")
	p.press("\r")
	p.click(tid("export-customers"))
	p.waitVisible(tid("export-customers-csv"))
	rows = fetchCSV(p, "export-customers-csv")
	if len(rows) != 2 || rows[1][0] != "导出客户有限公司" {
		t.Fatalf("exported customers %q", rows)
	}

	r := openPage(t, env, 1280, 900)
	r.goTo("/login")
	r.login(rep1Email, demoPassword)
	r.goTo("/leads")
	r.waitVisible(tid("create-lead"))
	if r.within(waitTimeout/5, `!!document.querySelector('[data-testid="export-leads"]')`) {
		t.Fatal("a rep sees the lead Export menu")
	}
}

// fetchCSV downloads the link with the session, as clicking it would,
// checks it is an attachment starting with a UTF-8 BOM (which Excel needs
// to read Chinese) and answers its rows.
func fetchCSV(p *page, testID string) [][]string {
	p.t.Helper()
	sel := js(tid(testID))
	if _, err := eval[bool](p.ctx, `(window.__dl = null, fetch(document.querySelector(`+sel+`).href)
  .then(async (r) => { const b = new Uint8Array(await r.arrayBuffer());
    const bom = b[0] === 0xEF && b[1] === 0xBB && b[2] === 0xBF;
    window.__dl = [r.status, r.headers.get('content-disposition') || '', bom, new TextDecoder().decode(b)].join('|'); }), true)`); err != nil {
		p.fatalf("fetch: %v", err)
	}
	p.waitJS("the download", `!!window.__dl`)
	dl, _ := eval[string](p.ctx, `window.__dl`)
	parts := strings.SplitN(dl, "|", 4)
	if len(parts) != 4 || parts[0] != "200" || !strings.HasPrefix(parts[1], "attachment") || parts[2] != "true" {
		p.fatalf("download (status|disposition|BOM|body): %.160q", dl)
	}
	rows, err := csv.NewReader(bytes.NewReader([]byte(parts[3]))).ReadAll()
	if err != nil {
		p.fatalf("csv: %v", err)
	}
	return rows
}
