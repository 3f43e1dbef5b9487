package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// readCSV checks a CSV export's BOM and answers its rows.
func readCSV(t *testing.T, r *apitest.Resp) [][]string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if !bytes.HasPrefix(r.Body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no BOM: %q", r.Body[:min(len(r.Body), 20)])
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readXLSX answers the rows of an XLSX export's sheet.
func readXLSX(t *testing.T, r *apitest.Resp) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// column answers the cells of the named column below the header.
func column(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		if i < len(r) {
			out = append(out, r[i])
		} else {
			out = append(out, "")
		}
	}
	return out
}

// exportedCount answers the rows of the latest export in the audit trail.
func exportAudit(t *testing.T, admin *apitest.Client) map[string]any {
	t.Helper()
	var found struct{ Items []map[string]any }
	admin.Do("GET", "/api/v1/audit?object_type=export&limit=1", nil).Want(200).JSON(&found)
	if len(found.Items) != 1 {
		t.Fatalf("no export in the audit trail")
	}
	out := map[string]any{"actor_name": found.Items[0]["actor_name"]}
	for _, c := range found.Items[0]["changes"].([]any) {
		ch := c.(map[string]any)
		out[ch["field"].(string)] = ch["new"]
	}
	return out
}

func TestCustomerExport(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		manager := e.Demo("east1.manager@demo.local")
		// 1,003 matching customers: the file spans pages of the list; one
		// name a spreadsheet would run as a formula.
		var want []string
		for i := range 1002 {
			name := fmt.Sprintf("导出测试%04d有限公司", i)
			newCustomer(t, admin, map[string]any{"name": name, "annual_revenue": 123456})
			want = append(want, name)
		}
		newCustomer(t, admin, map[string]any{"name": "=导出测试HYPERLINK()", "allow_duplicate": true})
		want = append(want, "'=导出测试HYPERLINK()")
		newCustomer(t, manager, map[string]any{"name": "导出测试上海一组客户", "industry": "制造业"})
		want = append(want, "导出测试上海一组客户")
		newCustomer(t, admin, map[string]any{"name": "别的客户"})

		q := "?format=csv&sort=name&q=" + url.QueryEscape("导出测试")
		rows := readCSV(t, admin.Do("GET", "/api/v1/customers/export"+q, nil).Want(200))
		got := column(t, rows, "客户名称")
		slices.Sort(want)
		if len(got) != len(want) || !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Fatalf("exported %d customers, want %d: %q…", len(got), len(want), got[:min(len(got), 5)])
		}
		if i := slices.Index(got, "导出测试0000有限公司"); i < 0 || column(t, rows, "年收入")[i] != "1234.56" {
			t.Fatalf("annual revenue of row %d: %q, want 1234.56 (minor units exactly)", i, column(t, rows, "年收入"))
		}
		if a := exportAudit(t, admin); a["resource"] != "customer" || a["rows"] != float64(len(want)) || a["format"] != "csv" {
			t.Fatalf("audit of the export: %v", a)
		}

		// The manager's file holds their department's customers only, in
		// English when asked, as a workbook; filters apply.
		r := manager.Do("GET", "/api/v1/customers/export?lang=en-US&q="+url.QueryEscape("导出测试"), nil).Want(200)
		if cd := r.Header.Get("Content-Disposition"); !bytes.Contains([]byte(cd), []byte(`attachment; filename="customers-`)) {
			t.Fatalf("content disposition %q", cd)
		}
		rows = readXLSX(t, r)
		if got := column(t, rows, "Name"); !slices.Equal(got, []string{"导出测试上海一组客户"}) {
			t.Fatalf("manager's export: %q", got)
		}
		if got := column(t, rows, "Key customer"); !slices.Equal(got, []string{"No"}) {
			t.Fatalf("key customer cell: %q", got)
		}
		rows = readXLSX(t, admin.Do("GET", "/api/v1/customers/export?industry="+url.QueryEscape("制造业")+"&q="+url.QueryEscape("导出测试"), nil).Want(200))
		if got := column(t, rows, "客户名称"); !slices.Equal(got, []string{"导出测试上海一组客户"}) {
			t.Fatalf("filtered export: %q", got)
		}

		// A rep may not export; bad parameters are named; another tenant
		// gets none of these customers.
		e.Demo("east1.rep1@demo.local").Do("GET", "/api/v1/customers/export", nil).Want(403)
		for param, loc := range map[string]string{"tz=Mars/Olympus": "query.tz", "format=pdf": "query.format",
			"owner_id=nope": "query.owner_id", "sort=phone": "query.sort"} {
			if p := admin.Do("GET", "/api/v1/customers/export?"+param, nil).Want(422).Problem(); !p.Names(loc) {
				t.Fatalf("%s: %+v", param, p)
			}
		}
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家公司", "name": "外人",
			"email": "outsider@other.test", "password": "outsider password"}).Want(201)
		other := e.Login("outsider@other.test", "outsider password")
		if rows := readCSV(t, other.Do("GET", "/api/v1/customers/export?format=csv", nil).Want(200)); len(rows) != 1 {
			t.Fatalf("another tenant's export: %d rows", len(rows))
		}
	})
}

func TestLeadExport(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep := e.Demo("east1.rep1@demo.local")
		newLead(t, rep, map[string]any{"contact_name": "导出甲", "company": "=HYPERLINK(\"http://x\")", "phone": "13800000001"})
		newLead(t, rep, map[string]any{"contact_name": "导出乙", "company": "乙公司", "notes": "@备注"})
		newLead(t, e.Demo("south1.rep1@demo.local"), map[string]any{"contact_name": "导出丙", "company": "丙公司"})
		q := "&q=" + url.QueryEscape("导出")

		rows := readCSV(t, admin.Do("GET", "/api/v1/leads/export?format=csv&sort=created_at"+q, nil).Want(200))
		if got := column(t, rows, "联系人"); !slices.Equal(got, []string{"导出甲", "导出乙", "导出丙"}) {
			t.Fatalf("exported contacts %q", got)
		}
		if got := column(t, rows, "公司")[0]; got != "'=HYPERLINK(\"http://x\")" {
			t.Fatalf("formula company cell %q", got)
		}
		if got := column(t, rows, "备注")[1]; got != "'@备注" {
			t.Fatalf("notes cell %q", got)
		}
		if got := column(t, rows, "状态"); !slices.Equal(got, []string{"新线索", "新线索", "新线索"}) {
			t.Fatalf("status cells %q", got)
		}
		if a := exportAudit(t, admin); a["resource"] != "lead" || a["rows"] != 3.0 {
			t.Fatalf("audit of the export: %v", a)
		}

		// A manager exports their department's only; filters and English apply.
		rows = readXLSX(t, e.Demo("east1.manager@demo.local").Do("GET", "/api/v1/leads/export?lang=en-US&status=new"+q, nil).Want(200))
		if got := column(t, rows, "Contact"); !slices.Equal(got, []string{"导出乙", "导出甲"}) {
			t.Fatalf("manager's export (newest first): %q", got)
		}
		if got := column(t, rows, "Status"); !slices.Equal(got, []string{"New", "New"}) {
			t.Fatalf("english status %q", got)
		}
		rows = readXLSX(t, admin.Do("GET", "/api/v1/leads/export?status=converted"+q, nil).Want(200))
		if len(rows) != 1 {
			t.Fatalf("a filter nothing matches: %d rows (want the header only)", len(rows))
		}

		rep.Do("GET", "/api/v1/leads/export", nil).Want(403)
		for param, loc := range map[string]string{"created_from=2026-02-01T00:00:00Z&created_to=2026-01-01T00:00:00Z": "query.created_to",
			"tz=Nowhere/Land": "query.tz", "format=doc": "query.format", "status=lost": "query.status"} {
			if p := admin.Do("GET", "/api/v1/leads/export?"+param, nil).Want(422).Problem(); !p.Names(loc) {
				t.Fatalf("%s: %+v", param, p)
			}
		}
	})
}
