package api_test

import (
	"fmt"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// TestConvertWithOpportunity: a conversion can open the customer's first
// opportunity in the same transaction; a bad opportunity refuses the whole
// conversion, naming the field, and leaves the lead open.
func TestConvertWithOpportunity(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		l := newLead(t, rep, map[string]any{"contact_name": "孔明", "company": "卧龙智能装备有限公司", "phone": "13700137000"})
		lp := "/api/v1/leads/" + l["id"].(string)

		bad := map[string]any{"customer": map[string]any{}, "opportunity": map[string]any{
			"amount": map[string]any{"amount": 500000, "currency": "cny"}, "expected_close": "2027-03-31"}}
		if p := rep.Do("POST", lp+"/convert", bad).Want(422).Problem(); !p.Names("body.opportunity.amount.currency") {
			t.Fatalf("bad currency: %+v", p)
		}
		bad["opportunity"] = map[string]any{"amount": map[string]any{"amount": 500000, "currency": "CNY"}, "expected_close": "明年"}
		if p := rep.Do("POST", lp+"/convert", bad).Want(422).Problem(); !p.Names("body.opportunity.expected_close") {
			t.Fatalf("bad date: %+v", p)
		}
		if got := rep.Do("GET", lp, nil).Want(200).Map(); got["status"] != "new" || got["converted_customer_id"] != nil {
			t.Fatalf("a refused conversion changed the lead: %v", got)
		}
		var list struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/customers?q="+"卧龙", nil).Want(200).JSON(&list)
		if len(list.Items) != 0 {
			t.Fatalf("a refused conversion left a customer: %v", list.Items)
		}

		var cv struct {
			Lead        map[string]any
			Customer    map[string]any
			Contact     map[string]any
			Opportunity *struct{ ID, Name string }
		}
		rep.Do("POST", lp+"/convert", map[string]any{"customer": map[string]any{}, "opportunity": map[string]any{
			"amount": map[string]any{"amount": 880000_00, "currency": "CNY"}, "expected_close": "2027-03-31"}}).Want(201).JSON(&cv)
		if cv.Opportunity == nil || cv.Opportunity.Name != "卧龙智能装备有限公司" {
			t.Fatalf("conversion without its opportunity: %+v", cv)
		}
		o := rep.Do("GET", "/api/v1/opportunities/"+cv.Opportunity.ID, nil).Want(200).Map()
		amount, cur := money(o["amount"])
		if o["customer_id"] != cv.Customer["id"] || amount != 880000_00 || cur != "CNY" || o["stage_name"] != "初步接洽" ||
			o["owner_id"] != cv.Customer["owner_id"] {
			t.Fatalf("opportunity: %v", o)
		}
		if ids, _ := o["contact_ids"].([]any); len(ids) != 1 || ids[0] != cv.Contact["id"] {
			t.Fatalf("the new contact is not involved: %v", o["contact_ids"])
		}

		// The lead links to the opportunity as to the customer and contact,
		// in the conversion's one audit entry.
		got := rep.Do("GET", lp, nil).Want(200).Map()
		if cv.Lead["converted_opportunity_id"] != cv.Opportunity.ID || got["converted_opportunity_id"] != cv.Opportunity.ID ||
			got["converted_customer_id"] != cv.Customer["id"] || got["converted_contact_id"] != cv.Contact["id"] {
			t.Fatalf("converted lead's links: %v / %v", cv.Lead, got)
		}
		if h := historyOf(t, rep, lp); !hasChange(h.Items[0].Changes, "converted_opportunity_id", cv.Opportunity.ID) {
			t.Fatalf("conversion entry: %+v", h.Items[0].Changes)
		}
		// Deleting the opportunity ends the link, as a change of the lead.
		rep.Do("DELETE", "/api/v1/opportunities/"+cv.Opportunity.ID, nil, "If-Match", etag(o)).Want(204)
		got2 := rep.Do("GET", lp, nil).Want(200).Map()
		if got2["converted_opportunity_id"] != nil || got2["version"].(float64) != got["version"].(float64)+1 ||
			got2["converted_customer_id"] != cv.Customer["id"] {
			t.Fatalf("lead after its opportunity was deleted: %v", got2)
		}
		if h := historyOf(t, rep, lp); !hasChange(h.Items[0].Changes, "converted_opportunity_id", nil) {
			t.Fatalf("unlink entry: %+v", h.Items[0].Changes)
		}
	})
}

// hasChange reports whether changes set field to the value want.
func hasChange(changes []struct {
	Field    string
	Old, New any
}, field string, want any) bool {
	for _, c := range changes {
		if c.Field == field && c.New == want {
			return true
		}
	}
	return false
}

// etag is the If-Match value of a record read as a map.
func etag(m map[string]any) string { return fmt.Sprintf(`"%v"`, m["version"]) }
