package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

type stageTotalsJSON struct {
	PipelineID string `json:"pipeline_id"`
	Stages     []struct {
		StageID string `json:"stage_id"`
		Count   int64  `json:"count"`
		Totals  []struct {
			Count  int64 `json:"count"`
			Amount struct {
				Amount   int64
				Currency string
			} `json:"amount"`
			WeightedAmount struct {
				Amount   int64
				Currency string
			} `json:"weighted_amount"`
		} `json:"totals"`
	} `json:"stages"`
}

// summary is "count [CUR:count/amount/weighted …]" per stage, one a line.
func (s stageTotalsJSON) summary() string {
	var b strings.Builder
	for _, st := range s.Stages {
		fmt.Fprintf(&b, "%d [", st.Count)
		for i, c := range st.Totals {
			if c.Amount.Currency != c.WeightedAmount.Currency {
				return "currencies differ: " + c.Amount.Currency + "/" + c.WeightedAmount.Currency
			}
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%s:%d/%d/%d", c.Amount.Currency, c.Count, c.Amount.Amount, c.WeightedAmount.Amount)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// listSummary restates the totals from the board's own list, every page of
// every stage walked: count and per-currency sums of the cards' amounts.
func listSummary(t *testing.T, c *apitest.Client, p pipelineJSON, filter string) string {
	t.Helper()
	var b strings.Builder
	for _, st := range p.Stages {
		type sum struct{ n, amount, weighted int64 }
		sums, n, cursor := map[string]*sum{}, int64(0), ""
		for {
			var page struct {
				Items      []map[string]any
				NextCursor string `json:"next_cursor"`
			}
			c.Do("GET", "/api/v1/opportunities?limit=50&pipeline_id="+p.ID+"&stage_id="+st.ID+filter+"&cursor="+cursor, nil).Want(200).JSON(&page)
			for _, it := range page.Items {
				a, cur := money(it["amount"])
				w, _ := money(it["weighted_amount"])
				if sums[cur] == nil {
					sums[cur] = &sum{}
				}
				sums[cur].n, sums[cur].amount, sums[cur].weighted, n = sums[cur].n+1, sums[cur].amount+a, sums[cur].weighted+w, n+1
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		fmt.Fprintf(&b, "%d [", n)
		for i, cur := range []string{"CNY", "USD"} {
			if s := sums[cur]; s != nil {
				if i > 0 && sums["CNY"] != nil {
					b.WriteString(" ")
				}
				fmt.Fprintf(&b, "%s:%d/%d/%d", cur, s.n, s.amount, s.weighted)
			}
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// TestOpportunityStageTotals: the board's column totals come from the
// server over every opportunity of a stage (more than a column's first
// page of 50), honour the board's filters and the caller's data scope, and
// refuse another tenant's pipeline and a bad month.
func TestOpportunityStageTotals(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		director := e.Demo("director@demo.local")
		pl := director.Do("POST", "/api/v1/pipelines", map[string]any{"name": "看板合计", "stages": []map[string]any{
			{"name": "A", "probability": 15, "kind": "open"}, {"name": "B", "probability": 55, "kind": "open"},
			{"name": "赢", "probability": 100, "kind": "won"}, {"name": "输", "probability": 0, "kind": "lost"}}}).Want(201).Map()
		var p pipelineJSON
		director.Do("GET", "/api/v1/pipelines/"+pl["id"].(string), nil).Want(200).JSON(&p)
		st := stageIDs(p)
		rep, rep2, other := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local"), e.Demo("east2.rep1@demo.local")
		opp := func(c *apitest.Client, cust map[string]any, amount map[string]any, stage, closeDay string) {
			newOpp(t, c, map[string]any{"customer_id": cust["id"], "amount": amount, "pipeline_id": p.ID,
				"stage_id": st[stage], "expected_close": closeDay})
		}
		cust := newCustomer(t, rep, map[string]any{"name": "合计客户"})
		// 57 in A: more than one column page; amounts whose 15% rounds both ways.
		var wantA, wantAW int64
		for i := range 57 {
			a := int64(1003 + 7*i)
			wantA, wantAW = wantA+a, wantAW+(a*15+50)/100
			opp(rep, cust, cny(a), "A", "2030-06-15")
		}
		opp(rep, cust, map[string]any{"amount": 999, "currency": "USD"}, "A", "2030-07-01")
		opp(rep, cust, cny(10001), "B", "2030-07-31")
		cust2 := newCustomer(t, rep2, map[string]any{"name": "同组客户"})
		opp(rep2, cust2, cny(2000), "A", "2030-06-01")
		cust3 := newCustomer(t, other, map[string]any{"name": "别组客户"})
		opp(other, cust3, cny(3001), "B", "2030-07-10")

		q := "/api/v1/opportunities/stage-totals?pipeline_id=" + p.ID
		get := func(c *apitest.Client, filter string) string {
			t.Helper()
			var s stageTotalsJSON
			c.Do("GET", q+filter, nil).Want(200).JSON(&s)
			if s.PipelineID != p.ID || len(s.Stages) != 4 || s.Stages[0].StageID != st["A"] || s.Stages[3].StageID != st["输"] {
				t.Fatalf("stages: %+v", s)
			}
			return s.summary()
		}
		check := func(who string, c *apitest.Client, filter, want string) {
			t.Helper()
			if got := get(c, filter); got != want {
				t.Fatalf("%s %s:\n%s\nwant:\n%s", who, filter, got, want)
			}
			if fromList := listSummary(t, c, p, filter); fromList != want {
				t.Fatalf("%s %s: the list sums to\n%s\nthe totals say\n%s", who, filter, fromList, want)
			}
		}
		a := fmt.Sprintf("CNY:57/%d/%d", wantA, wantAW)
		empty := "0 []\n0 []\n"
		all := fmt.Sprintf("59 [CNY:58/%d/%d USD:1/999/150]\n2 [CNY:2/13002/7152]\n", wantA+2000, wantAW+300) + empty
		check("director", director, "", all)
		// A rep sees their own; the manager of 上海一组 their team, not 杭州二组's.
		check("rep", rep, "", fmt.Sprintf("58 [%s USD:1/999/150]\n1 [CNY:1/10001/5501]\n", a)+empty)
		check("manager", e.Demo("east1.manager@demo.local"), "",
			fmt.Sprintf("59 [CNY:58/%d/%d USD:1/999/150]\n1 [CNY:1/10001/5501]\n", wantA+2000, wantAW+300)+empty)
		// The board's filters.
		check("director", director, "&owner_id="+me(t, rep2)["id"].(string), "1 [CNY:1/2000/300]\n0 []\n"+empty)
		check("director", director, "&close_month=2030-06", fmt.Sprintf("58 [CNY:58/%d/%d]\n0 []\n", wantA+2000, wantAW+300)+empty)
		check("director", director, "&close_month=2030-07", "1 [USD:1/999/150]\n2 [CNY:2/13002/7152]\n"+empty)
		depts := departmentIDs(t, director)
		check("director", director, "&department_id="+depts["杭州二组"], "0 []\n1 [CNY:1/3001/1651]\n"+empty)
		check("director", director, "&department_id="+depts["华东大区"]+"&close_month=2030-07", "1 [USD:1/999/150]\n2 [CNY:2/13002/7152]\n"+empty)
		// A move shows at once.
		var oneB struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/opportunities?stage_id="+st["B"], nil).Want(200).JSON(&oneB)
		move(rep, oneB.Items[0], st["A"]).Want(200)
		check("rep", rep, "", fmt.Sprintf("59 [CNY:58/%d/%d USD:1/999/150]\n0 []\n", wantA+10001, wantAW+1500)+empty)

		// Bad input names the field; no pipeline id is the default pipeline.
		for _, bad := range []string{"2030-13", "2030-1", "30-06"} {
			if pr := director.Do("GET", q+"&close_month="+bad, nil).Want(422).Problem(); !pr.Names("query.close_month") {
				t.Fatalf("close_month %s: %+v", bad, pr)
			}
		}
		director.Do("GET", q+"&department_id=00000000-0000-4000-8000-000000000000", nil).Want(422)
		var def stageTotalsJSON
		director.Do("GET", "/api/v1/opportunities/stage-totals", nil).Want(200).JSON(&def)
		if def.PipelineID == p.ID || def.PipelineID == "" || len(def.Stages) == 0 {
			t.Fatalf("default pipeline: %+v", def)
		}
		// Another tenant: this pipeline is not found; its own default is empty.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人",
			"email": "x@other.test", "password": "a long enough passphrase"}).Want(201)
		x := e.Login("x@other.test", "a long enough passphrase")
		x.Do("GET", q, nil).Want(404)
		var own stageTotalsJSON
		x.Do("GET", "/api/v1/opportunities/stage-totals", nil).Want(200).JSON(&own)
		for _, s := range own.Stages {
			if s.Count != 0 || len(s.Totals) != 0 {
				t.Fatalf("other tenant's totals: %+v", own)
			}
		}
	})
}
