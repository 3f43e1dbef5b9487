package api_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	idgen "github.com/rudder-crm/rudder/internal/platform/ids"
)

// regionRefusal is a region 409's problem with the counts it carries.
type regionRefusal struct {
	Detail string
	Errors []struct {
		Location string
		Value    struct {
			Reason                            string
			Leads, Customers, Rules, Webforms int
		}
	}
}

func refusal(t *testing.T, r *apitest.Resp) regionRefusal {
	t.Helper()
	var p regionRefusal
	r.JSON(&p)
	if len(p.Errors) != 1 || p.Errors[0].Location != "region" {
		t.Fatalf("region refusal: %s", r.Body)
	}
	return p
}

// TestRegionRenameAndDeleteInUse: leads, customers, assignment rules and
// web forms carry a region by name. A rename moves them to the new name in
// its transaction (one audit entry with the counts), a rule still routes
// by it, and the list's region filter finds them under the new name only;
// another tenant's records of the same name stay. A name shared with
// another region is refused; so is deleting a region whose name records
// carry, with the counts, and nothing is deleted.
func TestRegionRenameAndDeleteInUse(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps := plDepts(t, admin)
		east := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "改东"}).Want(201).Map()
		old := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "改沪", "parent_id": east["id"]}).Want(201).Map()
		south := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "改南"}).Want(201).Map()
		rid := old["id"].(string)
		lead := newLead(t, admin, map[string]any{"contact_name": "改名线索", "region": "改沪"})
		cust := admin.Do("POST", "/api/v1/customers", map[string]any{"name": "改名客户公司", "region": "改沪"}).Want(201).Map()
		rule := admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "改沪线索", "department_id": deps["上海一组"],
			"conditions": map[string]any{"region": "改沪", "source": "展会"}}).Want(201).Map()
		pool := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "改名池", "department_id": deps["上海一组"]}).Want(201).Map()
		form := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "改名表单", "target": "pool", "pool_id": pool["id"],
			"default_region": "改沪"}).Want(201).Map()
		// Another tenant's lead of the same name.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家区域", "name": "外人", "email": "region@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("region@other.test", "outsider password")
		otherLead := newLead(t, other, map[string]any{"contact_name": "别家线索", "region": "改沪"})

		// Names are unique per tenant now: not under another parent either, on create or rename.
		if p := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "改沪", "parent_id": south["id"]}).Want(409).Problem(); !p.Names("body.name") {
			t.Fatalf("a second 改沪 elsewhere: %+v", p)
		}
		if p := admin.Do("PATCH", "/api/v1/regions/"+rid, map[string]any{"name": "改南"}, "If-Match", `"1"`).Want(409).Problem(); !p.Names("body.name") {
			t.Fatalf("rename onto 改南: %+v", p)
		}

		// The scoring model's region rule names it too (and another region).
		putModel(admin, map[string]any{"currency": "CNY",
			"rules": []any{
				map[string]any{"kind": "field", "field": "region", "values": []string{"北京", "改沪"}, "points": 3},
				map[string]any{"kind": "field", "field": "industry", "values": []string{"改沪"}, "points": 1},
			},
			"grades": map[string]any{"a": 70, "b": 40, "c": 1}, "key_customer": map[string]any{"min_grade": "", "won_amount": 0},
			"matrix": map[string]any{"value": []int64{100, 200}, "potential": []int64{100, 200}}}).Want(200)
		wantScore(t, admin, cust["id"].(string), 75, "A", false)

		// The rename: everything of the old name follows, at a new version.
		renamed := admin.Do("PATCH", "/api/v1/regions/"+rid, map[string]any{"name": "改申"}, "If-Match", `"1"`).Want(200).Map()
		if renamed["name"] != "改申" || renamed["version"] != float64(2) {
			t.Fatalf("renamed: %v", renamed)
		}
		l := admin.Do("GET", "/api/v1/leads/"+lead["id"].(string), nil).Want(200).Map()
		c := admin.Do("GET", "/api/v1/customers/"+cust["id"].(string), nil).Want(200).Map()
		r := admin.Do("GET", "/api/v1/assignment-rules/"+rule["id"].(string), nil).Want(200).Map()
		f := admin.Do("GET", "/api/v1/web-forms/"+form["id"].(string), nil).Want(200).Map()
		if l["region"] != "改申" || l["version"].(float64) != lead["version"].(float64)+1 || c["region"] != "改申" ||
			r["conditions"].(map[string]any)["region"] != "改申" || r["conditions"].(map[string]any)["source"] != "展会" ||
			r["version"] != float64(2) || f["default_region"] != "改申" {
			t.Fatalf("after the rename: lead %v, customer %v, rule %v, form %v", l, c, r, f)
		}
		// The region rule follows (the industry rule's value is no region);
		// the customer keeps its score.
		var model struct {
			Rules []struct {
				Field  string
				Values []string
			}
		}
		sm := admin.Do("GET", "/api/v1/scoring-model", nil).Want(200)
		sm.JSON(&model)
		if sm.Header.Get("ETag") != `"3"` || !slices.Equal(model.Rules[0].Values, []string{"北京", "改申"}) ||
			!slices.Equal(model.Rules[1].Values, []string{"改沪"}) {
			t.Fatalf("scoring model after the rename (%s): %+v", sm.Header.Get("ETag"), model.Rules)
		}
		// Rescored on its next change: still matched by the renamed rule.
		cr := admin.Do("GET", "/api/v1/customers/"+cust["id"].(string), nil).Want(200)
		admin.Do("PATCH", "/api/v1/customers/"+cust["id"].(string), map[string]any{"notes": "改名后"}, "If-Match", cr.Header.Get("ETag")).Want(200)
		wantScore(t, admin, cust["id"].(string), 75, "A", false)
		// An editor still holding the lead's old version is stopped, not writing 改沪 back.
		admin.Do("PATCH", "/api/v1/leads/"+lead["id"].(string), map[string]any{"region": "改沪"}, "If-Match", `"1"`).Want(412)
		if o := other.Do("GET", "/api/v1/leads/"+otherLead["id"].(string), nil).Want(200).Map(); o["region"] != "改沪" || o["version"] != otherLead["version"] {
			t.Fatalf("the other tenant's lead moved: %v", o)
		}
		// One audit entry on the region, with the counts (none per lead).
		var hist struct {
			Items []struct {
				Changes []struct {
					Field    string
					Old, New any
				}
			}
		}
		admin.Do("GET", "/api/v1/regions/"+rid+"/history", nil).Want(200).JSON(&hist)
		got := map[string]any{}
		for _, ch := range hist.Items[0].Changes {
			got[ch.Field] = ch.New
		}
		if len(hist.Items) != 2 || got["name"] != "改申" || got["leads_moved"] != float64(1) || got["customers_moved"] != float64(1) ||
			got["rules_moved"] != float64(1) || got["webforms_moved"] != float64(1) || got["scoring_rules_moved"] != float64(1) {
			t.Fatalf("rename audit: %+v", hist.Items)
		}
		var lh struct{ Items []any }
		admin.Do("GET", "/api/v1/leads/"+lead["id"].(string)+"/history", nil).Want(200).JSON(&lh)
		if len(lh.Items) != 1 {
			t.Fatalf("lead history has entries besides its create: %v", lh.Items)
		}

		// The rule still routes a new lead by the new name.
		fresh := newLead(t, admin, map[string]any{"contact_name": "新来的", "region": "改申", "source": "展会"})
		a := admin.Do("POST", "/api/v1/leads/"+fresh["id"].(string)+"/assign", map[string]any{"reason": "按规则"}).Want(200).Map()
		if a["outcome"] != "assigned" || a["rule_id"] != rule["id"] {
			t.Fatalf("routing after the rename: %v", a)
		}
		// The list's region filter finds them under the new name and the parent, not the old name.
		both := []string{lead["id"].(string), fresh["id"].(string)}
		slices.Sort(both)
		for q, want := range map[string][]string{"region=" + url.QueryEscape("改申"): both, "region=" + url.QueryEscape("改东"): both,
			"region=" + url.QueryEscape("改沪"): {}} {
			if got := leadIDs(t, admin, q); !slices.Equal(got, want) {
				t.Fatalf("leads %s: %v, want %v", q, got, want)
			}
		}

		// Deleting the region in use: 409 with the counts, nothing deleted.
		p := refusal(t, admin.Do("DELETE", "/api/v1/regions/"+rid, nil, "If-Match", `"2"`).Want(409))
		if v := p.Errors[0].Value; v.Reason != "in_use" || v.Leads != 2 || v.Customers != 1 || v.Rules != 1 || v.Webforms != 1 {
			t.Fatalf("delete in use: %+v", p)
		}
		admin.Do("GET", "/api/v1/regions/"+rid, nil).Want(200)

		// A twin made before names were unique per tenant: whose records carry
		// 改申 cannot be told, so the rename is refused and nothing moves.
		twin := idgen.New()
		now := time.Now().UTC()
		if _, err := e.DB.Write.NewRaw(`INSERT INTO regions (id, tenant_id, parent_id, path, name, created_at, updated_at, version)
			SELECT ?, tenant_id, ?, ?, '改申', ?, ?, 1 FROM regions WHERE id = ?`, twin, south["id"], "/"+south["id"].(string)+"/"+twin+"/",
			now, now, rid).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		p = refusal(t, admin.Do("PATCH", "/api/v1/regions/"+rid, map[string]any{"name": "改沪"}, "If-Match", `"2"`).Want(409))
		if v := p.Errors[0].Value; v.Reason != "ambiguous" || v.Leads != 2 || v.Rules != 1 {
			t.Fatalf("ambiguous rename: %+v", p)
		}
		if l := admin.Do("GET", "/api/v1/leads/"+lead["id"].(string), nil).Want(200).Map(); l["region"] != "改申" {
			t.Fatalf("a refused rename moved the lead: %v", l)
		}
		if g := admin.Do("GET", "/api/v1/regions/"+rid, nil).Want(200).Map(); g["name"] != "改申" || g["version"] != float64(2) {
			t.Fatalf("a refused rename renamed: %v", g)
		}
		// Deleting the twin leaves the records a region of their name: allowed.
		admin.Do("DELETE", "/api/v1/regions/"+twin, nil, "If-Match", `"1"`).Want(204)

		// A region no record names is deleted.
		unused := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "改空", "parent_id": east["id"]}).Want(201).Map()
		admin.Do("DELETE", "/api/v1/regions/"+unused["id"].(string), nil, "If-Match", `"1"`).Want(204)
		admin.Do("GET", "/api/v1/regions/"+unused["id"].(string), nil).Want(404)
	})
}
