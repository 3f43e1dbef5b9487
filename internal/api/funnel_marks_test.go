package api_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// walkFunnel is the funnel's conversion rule applied to stage histories, the
// way the funnel computed it before it kept stage marks: of the opportunities
// that entered stage i, those that afterwards entered a stage positioned after
// i other than the lost stage advanced.
func walkFunnel(stages []string, lost string, histories [][]string) (entered, advanced map[string]int) {
	pos := map[string]int{}
	for i, s := range stages {
		pos[s] = i
	}
	entered, advanced = map[string]int{}, map[string]int{}
	for _, h := range histories {
		in, adv := map[string]bool{}, map[string]bool{}
		for _, to := range h {
			in[to] = true
			if to == lost {
				continue
			}
			for j := range in {
				if pos[j] < pos[to] {
					adv[j] = true
				}
			}
		}
		for s := range in {
			entered[s]++
		}
		for s := range adv {
			advanced[s]++
		}
	}
	return entered, advanced
}

// TestFunnelMarksMatchHistory moves opportunities at random (forward,
// back, skipping, lost, reopened) through a pipeline without gates and
// checks the funnel's entered/advanced counts against a walk over their
// stage histories; then reorders the open stages and checks again.
func TestFunnelMarksMatchHistory(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		director := e.Demo("director@demo.local")
		body := map[string]any{"name": "随机流程", "stages": []map[string]any{
			{"name": "甲", "probability": 10, "kind": "open"}, {"name": "乙", "probability": 30, "kind": "open"},
			{"name": "丙", "probability": 60, "kind": "open"}, {"name": "赢", "probability": 100, "kind": "won"},
			{"name": "输", "probability": 0, "kind": "lost"}}}
		var pl pipelineJSON
		director.Do("POST", "/api/v1/pipelines", body).Want(201).JSON(&pl)
		cust := newCustomer(t, director, map[string]any{"name": "随机客户有限公司"})
		ids := stageIDs(pl)
		rnd := rand.New(rand.NewPCG(7, 11))
		var opps []map[string]any
		for i := 0; i < 12; i++ {
			o := newOpp(t, director, map[string]any{"customer_id": cust["id"], "pipeline_id": pl.ID, "amount": cny(int64(1000 + i))})
			opps = append(opps, o)
			at := "甲"
			for step := rnd.IntN(6); step > 0; step-- {
				to := pl.Stages[rnd.IntN(len(pl.Stages))].Name
				if to == at || (to == "赢" && at == "输") {
					continue
				}
				move(director, o, ids[to], "预算取消").Want(200)
				at = to
			}
		}
		check := func(order []string) {
			t.Helper()
			names := map[string]string{}
			for name, id := range ids {
				names[id] = name
			}
			var histories [][]string
			for _, o := range opps {
				var sh struct {
					Items []struct {
						ToStageID string `json:"to_stage_id"`
					}
				}
				director.Do("GET", "/api/v1/opportunities/"+o["id"].(string)+"/stage-history", nil).Want(200).JSON(&sh)
				var h []string
				for _, m := range sh.Items {
					h = append(h, names[m.ToStageID])
				}
				histories = append(histories, h)
			}
			entered, advanced := walkFunnel(order, "输", histories)
			var f funnelJSON
			director.Do("GET", "/api/v1/analytics/funnel?pipeline_id="+pl.ID, nil).Want(200).JSON(&f)
			for _, s := range f.Stages {
				wantAdv := advanced[s.Name]
				if s.Name == "赢" || s.Name == "输" {
					wantAdv = 0 // not reported for closed stages
				}
				if int(s.Entered) != entered[s.Name] || int(s.Advanced) != wantAdv {
					t.Errorf("order %v, stage %s: entered %d advanced %d, history says %d and %d",
						order, s.Name, s.Entered, s.Advanced, entered[s.Name], wantAdv)
				}
			}
		}
		check([]string{"甲", "乙", "丙", "赢", "输"})
		// Swap 甲 and 丙: what counts as advancing changes for every history.
		var cur pipelineJSON
		director.Do("GET", "/api/v1/pipelines/"+pl.ID, nil).Want(200).JSON(&cur)
		st := func(name string) map[string]any {
			for _, s := range cur.Stages {
				if s.Name == name {
					return map[string]any{"id": s.ID, "name": s.Name, "probability": s.Probability, "kind": s.Kind}
				}
			}
			t.Fatalf("no stage %s", name)
			return nil
		}
		director.Do("PATCH", "/api/v1/pipelines/"+pl.ID, map[string]any{"stages": []map[string]any{
			st("丙"), st("乙"), st("甲"), st("赢"), st("输")}}, "If-Match", fmt.Sprintf(`"%d"`, cur.Version)).Want(200)
		check([]string{"丙", "乙", "甲", "赢", "输"})

		// The funnel's weighted amounts (stored per opportunity) agree with
		// the list's (computed on read), after an amount changes and after a
		// stage's probability changes.
		weighted := func() {
			t.Helper()
			var list struct {
				Items []struct {
					StageID        string                 `json:"stage_id"`
					WeightedAmount struct{ Amount int64 } `json:"weighted_amount"`
				}
			}
			director.Do("GET", "/api/v1/opportunities?limit=100&pipeline_id="+pl.ID, nil).Want(200).JSON(&list)
			want := map[string]int64{}
			for _, o := range list.Items {
				want[o.StageID] += o.WeightedAmount.Amount
			}
			var f struct {
				Stages []struct {
					StageID string `json:"stage_id"`
					Totals  []struct {
						WeightedAmount int64 `json:"weighted_amount"`
					}
				}
			}
			director.Do("GET", "/api/v1/analytics/funnel?pipeline_id="+pl.ID, nil).Want(200).JSON(&f)
			for _, s := range f.Stages {
				var got int64
				for _, tot := range s.Totals {
					got += tot.WeightedAmount
				}
				if got != want[s.StageID] {
					t.Errorf("stage %s: funnel weighted %d, the opportunities' sum %d", s.StageID, got, want[s.StageID])
				}
			}
		}
		weighted()
		first := opps[0]["id"].(string)
		cur1 := director.Do("GET", "/api/v1/opportunities/"+first, nil).Want(200)
		director.Do("PATCH", "/api/v1/opportunities/"+first, map[string]any{"amount": cny(123457)}, "If-Match", cur1.Header.Get("ETag")).Want(200)
		weighted()
		director.Do("GET", "/api/v1/pipelines/"+pl.ID, nil).Want(200).JSON(&cur)
		changed := []map[string]any{st("丙"), st("乙"), st("甲"), st("赢"), st("输")}
		for _, c := range changed {
			c["probability"] = 33
			if c["kind"] != "open" {
				c["probability"] = map[string]int{"赢": 100, "输": 0}[c["name"].(string)]
			}
		}
		director.Do("PATCH", "/api/v1/pipelines/"+pl.ID, map[string]any{"stages": changed}, "If-Match", fmt.Sprintf(`"%d"`, cur.Version)).Want(200)
		weighted()
	})
}
