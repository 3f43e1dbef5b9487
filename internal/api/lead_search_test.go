package api_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
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
