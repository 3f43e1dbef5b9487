package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/jobs"
)

// scoreOf reads a customer's score, grade and key flag.
func scoreOf(t *testing.T, c *apitest.Client, id string) (int, string, bool) {
	t.Helper()
	m := c.Do("GET", "/api/v1/customers/"+id, nil).Want(200).Map()
	g, _ := m["grade"].(string)
	return int(m["score"].(float64)), g, m["key_customer"].(bool)
}

func wantScore(t *testing.T, c *apitest.Client, id string, score int, grade string, key bool) {
	t.Helper()
	s, g, k := scoreOf(t, c, id)
	if s != score || g != grade || k != key {
		t.Fatalf("customer %s: score %d grade %s key %v, want %d %s %v", id, s, g, k, score, grade, key)
	}
}

// putModel replaces the scoring model at its current version.
func putModel(c *apitest.Client, body map[string]any) *apitest.Resp {
	cur := c.Do("GET", "/api/v1/scoring-model", nil)
	return c.Do("PUT", "/api/v1/scoring-model", body, "If-Match", cur.Header.Get("ETag"))
}

// In the default model (100 points in all) a customer's points are its
// score: 制造业 10 + enterprise 20 + revenue ≥ 1亿元 10; activities, open
// weighted pipeline and won amount by thresholds.
func TestScoringDefaultModelRecomputes(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		m := rep.Do("GET", "/api/v1/scoring-model", nil).Want(200)
		if m.Header.Get("ETag") != `"1"` || m.Map()["default"] != true || m.Map()["max_points"].(float64) != 100 {
			t.Fatalf("default model: %v %v", m.Header, m.Map())
		}
		c := newCustomer(t, rep, map[string]any{"name": "重工机械", "industry": "制造业", "size": "enterprise",
			"annual_revenue": int64(20_000_000_000)})
		id := c["id"].(string)
		if c["revenue_currency"] != "CNY" || c["key_customer_manual"] != nil {
			t.Fatalf("created: %v", c)
		}
		wantScore(t, rep, id, 40, "C", false)
		// Another currency's revenue does not count.
		cur := rep.Do("GET", "/api/v1/customers/"+id, nil)
		rep.Do("PATCH", "/api/v1/customers/"+id, map[string]any{"revenue_currency": "USD"}, "If-Match", cur.Header.Get("ETag")).Want(200)
		wantScore(t, rep, id, 30, "C", false)
		cur = rep.Do("GET", "/api/v1/customers/"+id, nil)
		rep.Do("PATCH", "/api/v1/customers/"+id, map[string]any{"revenue_currency": "CNY"}, "If-Match", cur.Header.Get("ETag")).Want(200)

		// An open opportunity of 100万元 at 拟定合同 (75%): weighted 75万 ≥ 10万 → +10.
		st := stageIDs(pipelines(t, rep)[0])
		o := newOpp(t, rep, map[string]any{"customer_id": id, "amount": cny(100_000_000), "stage_id": st["拟定合同"]})
		wantScore(t, rep, id, 50, "B", false)
		if got := rep.Do("GET", "/api/v1/customers/"+id, nil).Want(200).Map(); got["open_pipeline"].(float64) != 75_000_000 {
			t.Fatalf("open pipeline: %v", got["open_pipeline"])
		}

		// A done call on the customer → 1 activity → +5; a planned one does not count until done.
		rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "customer", "subject_id": id, "title": "拜访电话"}).Want(201)
		wantScore(t, rep, id, 55, "B", false)
		ct := newContact(t, rep, map[string]any{"customer_id": id, "name": "赵工"})
		plan := rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "meeting", "subject_type": "contact",
			"subject_id": ct["id"], "title": "技术交流", "status": "planned", "due_at": time.Now().Add(time.Hour)}).Want(201).Map()
		rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "note", "subject_type": "opportunity", "subject_id": o["id"], "title": "报价备注"}).Want(201)
		wantScore(t, rep, id, 55, "B", false) // 2 activities: still the ≥1 threshold
		rep.Do("PATCH", "/api/v1/activities/"+plan["id"].(string), map[string]any{"status": "done"}, "If-Match", `"1"`).Want(200)
		wantScore(t, rep, id, 60, "B", false) // 3 → +10

		// Won: the pipeline's 10 go, won 100万 ≥ 100万 → +20, and the key rule (won ≥ 100万) makes it key.
		move(rep, o, st["赢单"]).Want(200)
		wantScore(t, rep, id, 70, "B", true)
		got := rep.Do("GET", "/api/v1/customers/"+id, nil).Want(200).Map()
		if got["won_amount"].(float64) != 100_000_000 || got["open_pipeline"].(float64) != 0 || got["activities_90d"].(float64) != 3 {
			t.Fatalf("metrics: %v", got)
		}
		// The changes are in the history as the system's, only when something changed.
		h := historyOf(t, rep, "/api/v1/customers/"+id)
		var sys []string
		for _, it := range h.Items {
			for _, ch := range it.Changes {
				if it.Action != "update" {
					continue
				}
				if ch.Field == "score" {
					sys = append(sys, fmt.Sprint(ch.Old, "→", ch.New))
				}
			}
		}
		if want := "40→30 30→40 40→50 50→55 55→60 60→70"; strings.Join(reverse(sys), " ") != want {
			t.Fatalf("score history %v, want %s", reverse(sys), want)
		}
		var actor string
		if err := e.DB.Read.NewSelect().Table("audit_log").Column("actor_id").
			Where("object_id = ? AND changes LIKE ?", id, `%"field":"key_customer","old":false,"new":true%`).Limit(1).Scan(context.Background(), &actor); err != nil || actor != "system" {
			t.Fatalf("key change actor %q, %v", actor, err)
		}
	})
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func TestScoringModelUpdateRescoresAll(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, rep := e.Demo("admin@demo.local"), e.Demo("east1.rep1@demo.local")
		a := newCustomer(t, rep, map[string]any{"name": "甲制造", "industry": "制造业", "size": "enterprise"})["id"].(string)
		b := newCustomer(t, rep, map[string]any{"name": "乙制造", "industry": "制造业", "size": "small"})["id"].(string)
		c := newCustomer(t, rep, map[string]any{"name": "丙零售", "industry": "零售", "region": "华东"})["id"].(string)
		// A person pins a's key flag off; the model must not clear it.
		rep.Do("PATCH", "/api/v1/customers/"+a, map[string]any{"key_customer": false}, "If-Match", `"1"`).Want(200)
		rep.Do("PATCH", "/api/v1/customers/"+b, map[string]any{"key_customer": true}, "If-Match", `"1"`).Want(200)

		// A rep may read but not write the model.
		rep.Do("PUT", "/api/v1/scoring-model", map[string]any{}, "If-Match", `"1"`).Want(403)
		model := map[string]any{"currency": "CNY",
			"rules": []any{
				map[string]any{"kind": "field", "field": "industry", "values": []string{"制造业"}, "points": 1},
				map[string]any{"kind": "field", "field": "size", "operator": "in", "values": []string{"enterprise", "large"}, "points": 2},
				map[string]any{"kind": "field", "field": "region", "values": []string{"华南"}, "points": 4},
				map[string]any{"kind": "behaviour", "metric": "won_amount", "thresholds": []any{map[string]any{"min": 1, "points": 1}}},
			},
			"grades":       map[string]any{"a": 30, "b": 10, "c": 1},
			"key_customer": map[string]any{"min_grade": "A", "won_amount": 0},
			"matrix":       map[string]any{"value": []int64{100, 200}, "potential": []int64{100, 200}}}
		saved := putModel(admin, model).Want(200)
		if saved.Header.Get("ETag") != `"2"` || saved.Map()["max_points"].(float64) != 8 || saved.Map()["default"] != false {
			t.Fatalf("saved: %v %v", saved.Header, saved.Map())
		}
		// a: 3 of 8 → 37.5 → 38 (half up) → A, key pinned off; b: 1 of 8 → 12.5 → 13 → B, key pinned on; c: 0 → D.
		wantScore(t, rep, a, 38, "A", false)
		wantScore(t, rep, b, 13, "B", true)
		wantScore(t, rep, c, 0, "D", false)
		// Handing a's flag back to the model makes it key (grade A).
		cur := rep.Do("GET", "/api/v1/customers/"+a, nil)
		if got := rep.Do("PATCH", "/api/v1/customers/"+a, map[string]any{"key_customer_auto": true}, "If-Match", cur.Header.Get("ETag")).
			Want(200).Map(); got["key_customer"] != true || got["key_customer_manual"] != nil {
			t.Fatalf("auto key: %v", got)
		}
		// Lists filter by grade and key flag.
		if got := listIDs(t, rep, "/api/v1/customers?grade=A&key_customer=true&limit=500"); !contains(got, a) || contains(got, b) {
			t.Fatalf("grade A key list: %v", got)
		}
		// Stale version → 412 and nothing changes; history has the change.
		admin.Do("PUT", "/api/v1/scoring-model", model, "If-Match", `"1"`).Want(412)
		var hist struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/scoring-model/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 1 || hist.Items[0]["actor_name"] == "system" {
			t.Fatalf("model history: %v", hist.Items)
		}
		// Thresholds → grades at the edges: score 100 with all points.
		model["grades"] = map[string]any{"a": 100, "b": 99, "c": 38}
		putModel(admin, model).Want(200)
		wantScore(t, rep, a, 38, "C", false)
		wantScore(t, rep, b, 13, "D", true)
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestScoringModelValidation(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		good := func() map[string]any {
			return map[string]any{"currency": "CNY",
				"rules": []any{
					map[string]any{"kind": "field", "field": "size", "values": []string{"large"}, "points": 5},
					map[string]any{"kind": "behaviour", "metric": "activities_90d", "thresholds": []any{
						map[string]any{"min": 1, "points": 1}, map[string]any{"min": 5, "points": 3}}},
				},
				"grades":       map[string]any{"a": 80, "b": 50, "c": 20},
				"key_customer": map[string]any{"min_grade": "A", "won_amount": 0},
				"matrix":       map[string]any{"value": []int64{100, 200}, "potential": []int64{100, 200}}}
		}
		for _, tc := range []struct {
			name string
			edit func(m map[string]any)
			loc  string
		}{
			{"grades not descending", func(m map[string]any) { m["grades"] = map[string]any{"a": 50, "b": 50, "c": 20} }, "body.grades.a"},
			{"c above b", func(m map[string]any) { m["grades"] = map[string]any{"a": 80, "b": 20, "c": 30} }, "body.grades.b"},
			{"a above 100", func(m map[string]any) { m["grades"] = map[string]any{"a": 101, "b": 20, "c": 10} }, "body.grades.a"},
			{"bad size value", func(m map[string]any) { m["rules"].([]any)[0].(map[string]any)["values"] = []string{"huge"} }, "body.rules[0].values[0]"},
			{"revenue with in", func(m map[string]any) {
				m["rules"].([]any)[0] = map[string]any{"kind": "field", "field": "revenue", "operator": "in", "points": 1}
			}, "body.rules[0].operator"},
			{"thresholds descending", func(m map[string]any) {
				m["rules"].([]any)[1].(map[string]any)["thresholds"] = []any{map[string]any{"min": 5, "points": 1}, map[string]any{"min": 1, "points": 3}}
			}, "body.rules[1].thresholds[1].min"},
			{"behaviour without metric", func(m map[string]any) { delete(m["rules"].([]any)[1].(map[string]any), "metric") }, "body.rules[1].metric"},
			{"field rule without points", func(m map[string]any) { delete(m["rules"].([]any)[0].(map[string]any), "points") }, "body.rules[0].points"},
			{"bad metric", func(m map[string]any) { m["rules"].([]any)[1].(map[string]any)["metric"] = "calls" }, "body.rules[1].metric"},
			{"no rules", func(m map[string]any) { m["rules"] = []any{} }, "body.rules"},
			{"bad bands", func(m map[string]any) {
				m["matrix"] = map[string]any{"value": []int64{200, 100}, "potential": []int64{1, 2}}
			}, "body.matrix.value"},
			{"bad currency", func(m map[string]any) { m["currency"] = "yuan" }, "body.currency"},
		} {
			m := good()
			tc.edit(m)
			p := putModel(admin, m).Want(422).Problem()
			if !p.Names(tc.loc) {
				t.Errorf("%s: %+v, want %s", tc.name, p, tc.loc)
			}
		}
		if got := admin.Do("GET", "/api/v1/scoring-model", nil).Want(200).Map(); got["default"] != true {
			t.Fatalf("a refused model was stored: %v", got)
		}
		admin.Do("PUT", "/api/v1/scoring-model", good()).Want(422) // no If-Match
		putModel(admin, good()).Want(200)
		// Customer revenue and key fields.
		if !admin.Do("POST", "/api/v1/customers", map[string]any{"name": "负收入", "annual_revenue": -1}).Want(422).Problem().Names("body.annual_revenue") {
			t.Fatal("negative revenue not named")
		}
		if !admin.Do("POST", "/api/v1/customers", map[string]any{"name": "币种", "revenue_currency": "rmb"}).Want(422).Problem().Names("body.revenue_currency") {
			t.Fatal("bad revenue currency not named")
		}
		c := newCustomer(t, admin, map[string]any{"name": "双重标记"})
		if !admin.Do("PATCH", "/api/v1/customers/"+c["id"].(string), map[string]any{"key_customer": true, "key_customer_auto": true},
			"If-Match", `"1"`).Want(422).Problem().Names("body.key_customer_auto") {
			t.Fatal("key_customer with key_customer_auto not refused")
		}
	})
}

func TestScoringNightlyOnce(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		id := newCustomer(t, rep, map[string]any{"name": "夜间重算"})["id"].(string)
		rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "visit", "subject_type": "customer", "subject_id": id,
			"title": "上门", "occurred_at": time.Now().Add(-89 * 24 * time.Hour)}).Want(201)
		wantScore(t, rep, id, 5, "D", false)
		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		later := time.Now().Add(48 * time.Hour) // the visit is 91 days old by then
		for i := 0; i < 2; i++ {
			if _, err := s.RunDue(context.Background(), later); err != nil {
				t.Fatal(err)
			}
		}
		wantScore(t, rep, id, 0, "D", false)
		ctx := context.Background()
		tenants, _ := e.DB.Read.NewSelect().Table("tenants").Count(ctx)
		runs, err := e.DB.Read.NewSelect().Table("job_runs").Where("key LIKE ?", "customer-scoring:%").Count(ctx)
		if err != nil || runs != tenants || tenants == 0 {
			t.Fatalf("runs %d for %d tenants (%v)", runs, tenants, err)
		}
		// The score fell once: one system entry for it.
		n, _ := e.DB.Read.NewSelect().Table("audit_log").Where("object_id = ? AND actor_id = 'system'", id).Count(ctx)
		if n != 2 { // 0 → 5 on the visit, 5 → 0 at night (the create scored itself: grade D)
			t.Fatalf("system entries %d", n)
		}
	})
}

type matrixJSON struct {
	Total int
	Cells []struct {
		Value, Potential, Filter string
		Count                    int
		Top                      []struct{ ID string }
	}
}

func TestCustomerMatrixInScope(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep1, rep2 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local")
		st := stageIDs(pipelines(t, rep1)[0])
		big := newCustomer(t, rep1, map[string]any{"name": "大客户矩阵"})["id"].(string)
		o := newOpp(t, rep1, map[string]any{"customer_id": big, "amount": cny(200_000_000), "stage_id": st["拟定合同"]})
		move(rep1, o, st["赢单"]).Want(200)
		hot := newCustomer(t, rep1, map[string]any{"name": "潜力客户矩阵"})["id"].(string)
		newOpp(t, rep1, map[string]any{"customer_id": hot, "amount": cny(20_000_000), "stage_id": st["拟定合同"]}) // 15万 weighted: medium
		other := newCustomer(t, rep2, map[string]any{"name": "别人的客户"})["id"].(string)

		var m matrixJSON
		rep1.Do("GET", "/api/v1/analytics/customer-matrix", nil).Want(200).JSON(&m)
		if len(m.Cells) != 9 {
			t.Fatalf("cells: %d", len(m.Cells))
		}
		sum := 0
		for _, c := range m.Cells {
			sum += c.Count
			ids := listIDs(t, rep1, "/api/v1/customers?limit=500&"+c.Filter)
			if len(ids) != c.Count {
				t.Errorf("cell %s/%s: count %d, list %d (%s)", c.Value, c.Potential, c.Count, len(ids), c.Filter)
			}
			for _, tp := range c.Top {
				if tp.ID == other {
					t.Errorf("rep1 sees rep2's customer in %s/%s", c.Value, c.Potential)
				}
			}
			top := func(id string) bool {
				for _, tp := range c.Top {
					if tp.ID == id {
						return true
					}
				}
				return false
			}
			if top(big) != (c.Value == "high" && c.Potential == "low") || top(hot) != (c.Value == "low" && c.Potential == "medium") {
				t.Errorf("cell %s/%s tops %v", c.Value, c.Potential, c.Top)
			}
		}
		mine := listIDs(t, rep1, "/api/v1/customers?limit=500")
		if sum != m.Total || m.Total != len(mine) || contains(mine, other) {
			t.Fatalf("total %d, sum %d, rep1 has %d", m.Total, sum, len(mine))
		}
		var m2 matrixJSON
		rep2.Do("GET", "/api/v1/analytics/customer-matrix", nil).Want(200).JSON(&m2)
		if m2.Total != len(listIDs(t, rep2, "/api/v1/customers?limit=500")) {
			t.Fatalf("rep2 total %d", m2.Total)
		}
		// A manager sees the team's: at least both reps' customers.
		var mm matrixJSON
		e.Demo("east1.manager@demo.local").Do("GET", "/api/v1/analytics/customer-matrix", nil).Want(200).JSON(&mm)
		if mm.Total < m.Total+1 {
			t.Fatalf("manager total %d, rep1 %d", mm.Total, m.Total)
		}
	})
}

func TestScoringModelPerTenant(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		m := admin.Do("GET", "/api/v1/scoring-model", nil).Want(200).Map()
		m["grades"] = map[string]any{"a": 90, "b": 60, "c": 30}
		for _, k := range []string{"max_points", "default", "updated_by", "updated_at", "version"} {
			delete(m, k)
		}
		putModel(admin, m).Want(200)
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "评分别家", "name": "外人",
			"email": "scoring@other.test", "password": "outsider password"}).Want(201)
		other := e.Login("scoring@other.test", "outsider password")
		got := other.Do("GET", "/api/v1/scoring-model", nil).Want(200).Map()
		if got["default"] != true || got["grades"].(map[string]any)["a"].(float64) != 75 {
			t.Fatalf("other tenant's model: %v", got)
		}
		var hist struct{ Items []map[string]any }
		other.Do("GET", "/api/v1/scoring-model/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 0 {
			t.Fatalf("other tenant sees history %v", hist.Items)
		}
		// Its customers score with its own (default) model: enterprise 20 → C needs 25, so D.
		c := newCustomer(t, other, map[string]any{"name": "别家客户", "size": "enterprise"})
		if c["score"].(float64) != 20 || c["grade"] != "D" {
			t.Fatalf("other tenant's customer: %v", c)
		}
	})
}
