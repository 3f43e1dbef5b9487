package api_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	newid "github.com/rudder-crm/rudder/internal/platform/ids"
)

// A whole mobile number or e-mail address finds the lead however it is
// written (by its dedupe key, an index search); parts of them still match
// as substrings; and the caller's data scope still applies.
func TestLeadSearchByWholeNumber(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		l := newLead(t, admin, map[string]any{"contact_name": "钱学森", "company": "锦程智能", "phone": "13800138000",
			"email": "Qian_Li@Jincheng.example"})
		other := newLead(t, admin, map[string]any{"contact_name": "李四", "phone": "13900139000", "email": "li@other.example"})
		find := func(c *apitest.Client, q string) []string { return leadIDs(t, c, "q="+url.QueryEscape(q)) }
		for _, q := range []string{"+86 138-0013-8000", "１３８００１３８０００", "qian_li@jincheng.EXAMPLE", "00138", "jincheng", "锦程"} {
			if got := find(admin, q); !slices.Equal(got, []string{l["id"].(string)}) {
				t.Errorf("q=%q: %v, want only %s", q, got, l["id"])
			}
		}
		if got := find(admin, "13900139000"); !slices.Equal(got, []string{other["id"].(string)}) {
			t.Errorf("the other number: %v", got)
		}
		if got := find(e.Demo("east1.rep1@demo.local"), "13800138000"); len(got) != 0 {
			t.Errorf("a rep finds a lead outside their scope by its number: %v", got)
		}
	})
}

// Customers are found by a whole number or address of their own or of one
// of their contacts; contacts by their own.
func TestCustomerSearchByWholeNumber(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		own := newCustomer(t, admin, map[string]any{"name": "锦程智能科技", "phone": "13800138000", "email": "info@jincheng.example"})
		via := newCustomer(t, admin, map[string]any{"name": "晨光文具"})
		ct := newContact(t, admin, map[string]any{"customer_id": via["id"], "name": "韩梅", "phone": "139 0013 9000", "email": "Han@Chenguang.example"})
		for q, want := range map[string]string{
			"+86 138-0013-8000": own["id"].(string), "INFO@jincheng.example": own["id"].(string),
			"13900139000": via["id"].(string), "han@chenguang.example": via["id"].(string),
		} {
			if got := listIDs(t, admin, "/api/v1/customers?q="+url.QueryEscape(q)); !slices.Equal(got, []string{want}) {
				t.Errorf("customers q=%q: %v, want %s", q, got, want)
			}
		}
		if got := listIDs(t, admin, "/api/v1/contacts?q="+url.QueryEscape("+86 139-0013-9000")); !slices.Equal(got, []string{ct["id"].(string)}) {
			t.Errorf("contacts by number: %v", got)
		}
		if got := listIDs(t, e.Demo("east1.rep1@demo.local"), "/api/v1/customers?q=13800138000"); len(got) != 0 {
			t.Errorf("a rep finds a customer outside their scope: %v", got)
		}
	})
}

// A substring of a name, company, phone or e-mail finds the lead (case
// aside, and never across two fields), from the trigram index for a rare
// term and by scanning the list's order for a common one (more than 5,000
// index matches on SQLite); edits and deletes reach the index.
func TestLeadSubstringSearch(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		a := newLead(t, admin, map[string]any{"contact_name": "邝骁骉", "company": "锦程翼联智能", "phone": "19912345678",
			"email": "Kuang@Yilian-Test.example"})
		b := newLead(t, admin, map[string]any{"contact_name": `Zhang "Qx" Wei`, "company": "100% Purezza"})
		c := newLead(t, admin, map[string]any{"contact_name": "雍骉", "company": "远航翼联物流"})
		find := func(q string) []string { return leadIDs(t, admin, "q="+url.QueryEscape(q)) }
		expect := func(q string, want ...map[string]any) {
			t.Helper()
			if got := find(q); !slices.Equal(got, ids(want...)) {
				t.Errorf("q=%q: %v, want %v", q, got, ids(want...))
			}
		}
		expect("骁骉", a)          // two characters: no trigram, a scan
		expect("锦程翼联", a)        // the index
		expect("翼联", a, c)       // two leads, scanned
		expect("翼联智能", a)        // one of them by the index
		expect("YILIAN-TEST", a) // case aside
		expect(`"Qx"`, b)        // quotes are part of the term
		expect("100% Pur", b)
		expect("骉锦程") // the end of a name and the start of a company
		expect("1234567", a)
		expect("_")

		admin.Do("PATCH", "/api/v1/leads/"+a["id"].(string), map[string]any{"company": "星河翼数据"}, "If-Match", `"1"`).Want(200)
		expect("锦程翼联")
		expect("星河翼数据", a)
		admin.Do("DELETE", "/api/v1/leads/"+c["id"].(string), nil, "If-Match", `"1"`).Want(204)
		expect("远航翼联物流")

		// 5,001 leads with one company word: past the count the index
		// lists, so the page is found by scanning in the list's order.
		common := insertLeadsLike(t, e, a["id"].(string), 5001, "常见词测试公司")
		seen := map[string]bool{}
		for cursor := ""; ; {
			var page leadPage
			admin.Do("GET", "/api/v1/leads?limit=500&q="+url.QueryEscape("见词测试")+"&cursor="+cursor, nil).Want(200).JSON(&page)
			for _, l := range page.Items {
				if seen[l["id"].(string)] || l["company"] != "常见词测试公司" {
					t.Fatalf("common term page: %v (seen before: %v)", l, seen[l["id"].(string)])
				}
				seen[l["id"].(string)] = true
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != len(common) {
			t.Errorf("common term listed %d leads, want %d", len(seen), len(common))
		}
		expect("星河翼数据", a)

		if e.DB.Dialect == db.SQLite {
			// The index names leads by rowid, which VACUUM must keep.
			if _, err := e.DB.Write.ExecContext(context.Background(), "VACUUM"); err != nil {
				t.Fatal(err)
			}
			expect("星河翼数据", a)
			expect(`"Qx"`, b)
			d := newLead(t, admin, map[string]any{"contact_name": "新来的", "company": "真空之后翼联"})
			expect("真空之后", d)
		}
	})
}

// insertLeadsLike writes n copies of lead id with the given company straight
// into the database (as an import would, past the API), and returns their ids.
func insertLeadsLike(t *testing.T, e *apitest.Env, id string, n int, company string) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = newid.New()
	}
	alias := "v"
	if e.DB.Dialect == db.Postgres {
		alias = "v(column1)"
	}
	for lo := 0; lo < n; lo += 500 {
		chunk := out[lo:min(lo+500, n)]
		values, args := make([]string, len(chunk)), []any{company}
		for i, x := range chunk {
			values[i] = "(?)"
			args = append(args, x)
		}
		_, err := e.DB.Write.ExecContext(context.Background(), `INSERT INTO leads (id, tenant_id, contact_name, company, status,
				owner_id, department_id, created_by, created_at, updated_at)
			SELECT v.column1, l.tenant_id, '批量联系人', ?, 'new', l.owner_id, l.department_id, l.created_by, l.created_at, l.updated_at
			FROM (VALUES `+strings.Join(values, ",")+`) AS `+alias+`, leads l WHERE l.id = ?`, append(args, id)...)
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
