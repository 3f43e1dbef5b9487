package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/demo"
	"github.com/rudder-crm/rudder/migrations"
)

type pipelineJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	IsDefault bool   `json:"is_default"`
	Stages    []struct {
		ID            string   `json:"id"`
		Name          string   `json:"name"`
		Probability   int      `json:"probability"`
		Kind          string   `json:"kind"`
		RotDays       int      `json:"rot_days"`
		RequiredTasks []string `json:"required_tasks"`
	} `json:"stages"`
	Version int64 `json:"version"`
}

func pipelines(t *testing.T, c *apitest.Client) []pipelineJSON {
	t.Helper()
	var page struct{ Items []pipelineJSON }
	c.Do("GET", "/api/v1/pipelines", nil).Want(200).JSON(&page)
	return page.Items
}

// stageIDs maps the stage names of a pipeline to their ids.
func stageIDs(p pipelineJSON) map[string]string {
	m := map[string]string{}
	for _, s := range p.Stages {
		m[s.Name] = s.ID
	}
	return m
}

func cny(amount int64) map[string]any { return map[string]any{"amount": amount, "currency": "CNY"} }

func newOpp(t *testing.T, c *apitest.Client, body map[string]any) map[string]any {
	t.Helper()
	if _, ok := body["expected_close"]; !ok {
		body["expected_close"] = "2030-06-30"
	}
	if _, ok := body["name"]; !ok {
		body["name"] = "商机"
	}
	return c.Do("POST", "/api/v1/opportunities", body).Want(201).Map()
}

// move posts a stage move at the opportunity's current version.
func move(c *apitest.Client, o map[string]any, stageID string, extra ...string) *apitest.Resp {
	body := map[string]any{"stage_id": stageID}
	if len(extra) > 0 {
		body["loss_reason"] = extra[0]
	}
	cur := c.Do("GET", "/api/v1/opportunities/"+o["id"].(string), nil)
	return c.Do("POST", "/api/v1/opportunities/"+o["id"].(string)+"/stage", body, "If-Match", cur.Header.Get("ETag"))
}

func money(v any) (int64, string) {
	m := v.(map[string]any)
	return int64(m["amount"].(float64)), m["currency"].(string)
}

func TestDefaultPipeline(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		check := func(ps []pipelineJSON) {
			t.Helper()
			if len(ps) != 1 || !ps[0].IsDefault || len(ps[0].Stages) != 6 {
				t.Fatalf("pipelines: %+v", ps)
			}
			want := []string{"初步接洽 10 open 14 []", "需求确认 25 open 14 [确认预算 确认决策人]", "报价 50 open 10 [提交报价单]",
				"拟定合同 75 open 10 []", "赢单 100 won 0 []", "输单 0 lost 0 []"}
			for i, s := range ps[0].Stages {
				if got := fmt.Sprintf("%s %d %s %d %v", s.Name, s.Probability, s.Kind, s.RotDays, s.RequiredTasks); got != want[i] {
					t.Fatalf("stage %d: %s, want %s", i, got, want[i])
				}
			}
		}
		demo := pipelines(t, e.Demo("east1.rep1@demo.local"))
		check(demo)
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "新公司", "name": "新人",
			"email": "boss@new.test", "password": "a long enough passphrase"}).Want(201)
		other := e.Login("boss@new.test", "a long enough passphrase")
		mine := pipelines(t, other)
		check(mine)
		if mine[0].ID == demo[0].ID {
			t.Fatal("tenants share a pipeline")
		}
		other.Do("GET", "/api/v1/pipelines/"+demo[0].ID, nil).Want(404)
	})
}

func TestPipelineManagement(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep, director := e.Demo("east1.rep1@demo.local"), e.Demo("director@demo.local")
		body := map[string]any{"name": "项目型", "stages": []map[string]any{
			{"name": "立项", "probability": 20, "kind": "open", "rot_days": 7, "required_tasks": []string{"立项报告"}},
			{"name": "投标", "probability": 60, "kind": "open"},
			{"name": "中标", "probability": 100, "kind": "won"}, {"name": "未中标", "probability": 0, "kind": "lost"}}}
		rep.Do("POST", "/api/v1/pipelines", body).Want(403)
		bad := map[string]any{"name": "乱序", "stages": []map[string]any{{"name": "a", "probability": 1, "kind": "won"},
			{"name": "b", "probability": 1, "kind": "open"}, {"name": "c", "probability": 1, "kind": "lost"}}}
		if p := director.Do("POST", "/api/v1/pipelines", bad).Want(422).Problem(); !p.Names("body.stages[0].kind") {
			t.Fatalf("bad order: %+v", p)
		}
		p := director.Do("POST", "/api/v1/pipelines", body).Want(201).Map()
		id := p["id"].(string)
		director.Do("POST", "/api/v1/pipelines", body).Want(409)
		var pl pipelineJSON
		director.Do("GET", "/api/v1/pipelines/"+id, nil).Want(200).JSON(&pl)
		// Rename a stage and drop 投标 (unused); make it the default.
		stages := []map[string]any{
			{"id": pl.Stages[0].ID, "name": "立项评审", "probability": 30, "kind": "open", "rot_days": 7},
			{"id": pl.Stages[2].ID, "name": "中标", "probability": 100, "kind": "won"},
			{"id": pl.Stages[3].ID, "name": "未中标", "probability": 0, "kind": "lost"}}
		director.Do("PATCH", "/api/v1/pipelines/"+id, map[string]any{"stages": stages, "is_default": true}, "If-Match", `"9"`).Want(412)
		director.Do("PATCH", "/api/v1/pipelines/"+id, map[string]any{"stages": stages, "is_default": true}, "If-Match", `"1"`).Want(200)
		ps := pipelines(t, rep)
		if len(ps) != 2 || ps[0].ID != id || !ps[0].IsDefault || ps[1].IsDefault || len(ps[0].Stages) != 3 || ps[0].Stages[0].Name != "立项评审" {
			t.Fatalf("after patch: %+v", ps)
		}
		// The default cannot be deleted; the other one can once it is not the default.
		director.Do("DELETE", "/api/v1/pipelines/"+id, nil, "If-Match", `"2"`).Want(409)
		director.Do("DELETE", "/api/v1/pipelines/"+ps[1].ID, nil, "If-Match", fmt.Sprintf(`"%d"`, ps[1].Version)).Want(204)
	})
}

func TestOpportunityLifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		self := me(t, rep)
		cust := newCustomer(t, rep, map[string]any{"name": "远景能源"})
		contact := newContact(t, rep, map[string]any{"customer_id": cust["id"], "name": "王总"})
		r := rep.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cust["id"], "name": "储能项目",
			"amount": cny(3333), "expected_close": "2030-06-30", "need_score": 5, "budget_score": 3, "need_note": "急需",
			"contact_ids": []any{contact["id"]}, "competitor": "友商A"}).Want(201)
		o := r.Map()
		id := o["id"].(string)
		path := "/api/v1/opportunities/" + id
		w, _ := money(o["weighted_amount"])
		if r.Header.Get("ETag") != `"1"` || o["owner_id"] != self["id"] || o["stage_name"] != "初步接洽" || w != 333 ||
			o["forecast_category"] != "pipeline" || o["health_score"].(float64) != 75 || o["customer_name"] != "远景能源" ||
			o["stalled"] != false || fmt.Sprint(o["contact_ids"]) != fmt.Sprint([]any{contact["id"]}) {
			t.Fatalf("created: %s %v", r.Header.Get("ETag"), o)
		}
		upd := rep.Do("PATCH", path, map[string]any{"amount": cny(3335), "timeline_score": 1}, "If-Match", `"1"`).Want(200)
		o = upd.Map()
		if w, _ := money(o["weighted_amount"]); upd.Header.Get("ETag") != `"2"` || w != 334 || o["health_score"].(float64) != 50 {
			t.Fatalf("patched: %s", upd.Body)
		}
		rep.Do("PATCH", path, map[string]any{"name": "x"}, "If-Match", `"1"`).Want(412)
		if p := rep.Do("PATCH", path, map[string]any{"name": "x"}).Want(422).Problem(); !p.Names("header.If-Match") {
			t.Fatalf("missing If-Match: %+v", p)
		}
		if h := historyOf(t, rep, path); len(h.Items) != 2 || h.Items[0].Action != "update" {
			t.Fatalf("history: %+v", h.Items)
		}
		var sh struct{ Items []map[string]any }
		rep.Do("GET", path+"/stage-history", nil).Want(200).JSON(&sh)
		if len(sh.Items) != 1 || sh.Items[0]["from_stage_id"] != nil || sh.Items[0]["to_stage_name"] != "初步接洽" ||
			sh.Items[0]["actor_id"] != self["id"] || sh.Items[0]["actor_name"] != self["name"] {
			t.Fatalf("stage history: %v", sh.Items)
		}
		if got := listIDs(t, rep, "/api/v1/opportunities?customer_id="+cust["id"].(string)); !slices.Equal(got, []string{id}) {
			t.Fatalf("list: %v", got)
		}
		// Others: a rep of another team does not see it; the manager does.
		e.Demo("east1.rep2@demo.local").Do("GET", path, nil).Want(404)
		e.Demo("east1.manager@demo.local").Do("GET", path, nil).Want(200)
		// The customer and the contact stay while the opportunity uses them.
		rep.Do("DELETE", "/api/v1/customers/"+cust["id"].(string), nil, "If-Match", `"1"`).Want(409)
		rep.Do("DELETE", "/api/v1/contacts/"+contact["id"].(string), nil, "If-Match", `"1"`).Want(409)
		rep.Do("DELETE", path, nil, "If-Match", `"1"`).Want(412)
		rep.Do("DELETE", path, nil, "If-Match", `"2"`).Want(204)
		rep.Do("GET", path, nil).Want(404)
		rep.Do("DELETE", "/api/v1/contacts/"+contact["id"].(string), nil, "If-Match", `"1"`).Want(204)
		if n := rows(t, e, "stage_history"); n != 0 { // the demo tenant has no other opportunities
			t.Fatalf("stage history rows after delete: %d", n)
		}
	})
}

func TestStageGateAndCloseRules(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		st := stageIDs(pipelines(t, rep)[0])
		cust := newCustomer(t, rep, map[string]any{"name": "华夏数据"})
		o := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(100000)})
		id := o["id"].(string)
		path := "/api/v1/opportunities/" + id
		// 初步接洽 has no required tasks: forward to 需求确认.
		if got := move(rep, o, st["需求确认"]).Want(200).Map(); got["stage_name"] != "需求确认" || got["probability"].(float64) != 25 {
			t.Fatalf("moved: %v", got)
		}
		var tasks struct{ Items []map[string]any }
		rep.Do("GET", path+"/tasks", nil).Want(200).JSON(&tasks)
		if len(tasks.Items) != 2 || tasks.Items[0]["done_at"] != nil {
			t.Fatalf("tasks: %v", tasks.Items)
		}
		taskID := map[string]string{}
		for _, tk := range tasks.Items {
			taskID[tk["name"].(string)] = tk["id"].(string)
		}
		// Forward is refused naming both open tasks; nothing changes.
		p := move(rep, o, st["报价"]).Want(409).Problem()
		if len(p.Errors) != 2 || !strings.Contains(p.Detail, "确认预算") || !strings.Contains(p.Detail, "确认决策人") {
			t.Fatalf("gate: %+v", p)
		}
		auditBefore := auditCount(t, e)
		rep.Do("POST", path+"/tasks/"+taskID["确认预算"]+"/done", nil).Want(200)
		p = move(rep, o, st["报价"]).Want(409).Problem()
		if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, "确认决策人") || strings.Contains(p.Detail, "确认预算") {
			t.Fatalf("gate after one tick: %+v", p)
		}
		if done := rep.Do("POST", path+"/tasks/"+taskID["确认决策人"]+"/done", nil).Want(200).Map(); done["done_at"] == nil {
			t.Fatalf("ticked: %v", done)
		}
		rep.Do("POST", path+"/tasks/"+taskID["确认决策人"]+"/done", nil).Want(200) // again: no change
		if n := auditCount(t, e); n != auditBefore+2 {
			t.Fatalf("audit entries for two ticks: %d", n-auditBefore)
		}
		move(rep, o, st["报价"]).Want(200)
		// Jumping to 赢单 skips 拟定合同 but 报价's task is open.
		if p := move(rep, o, st["赢单"]).Want(409).Problem(); len(p.Errors) != 1 || !strings.Contains(p.Detail, "提交报价单") {
			t.Fatalf("gate from 报价: %+v", p)
		}
		// Backward is allowed; forward again past done and open stages is refused for the open one only.
		move(rep, o, st["初步接洽"]).Want(200)
		if p := move(rep, o, st["拟定合同"]).Want(409).Problem(); len(p.Errors) != 1 || !strings.Contains(p.Detail, "提交报价单") {
			t.Fatalf("gate from 初步接洽: %+v", p)
		}
		rep.Do("GET", path+"/tasks", nil).Want(200).JSON(&tasks)
		for _, tk := range tasks.Items {
			if tk["name"] == "提交报价单" {
				rep.Do("POST", path+"/tasks/"+tk["id"].(string)+"/done", nil).Want(200)
			}
		}
		// A stale version is refused.
		rep.Do("POST", path+"/stage", map[string]any{"stage_id": st["赢单"]}, "If-Match", `"1"`).Want(412)
		won := move(rep, o, st["赢单"], "价格优势").Want(200).Map()
		if won["forecast_category"] != "closed" || won["stage_kind"] != "won" || won["win_loss_reason"] != "价格优势" {
			t.Fatalf("won: %v", won)
		}
		var sh struct{ Items []map[string]any }
		rep.Do("GET", path+"/stage-history", nil).Want(200).JSON(&sh)
		var trail []string
		for _, h := range sh.Items {
			trail = append(trail, h["to_stage_name"].(string))
		}
		if strings.Join(trail, ">") != "初步接洽>需求确认>报价>初步接洽>赢单" {
			t.Fatalf("stage history: %v", trail)
		}
		if h := sh.Items[4]; h["from_stage_id"] != st["初步接洽"] || h["actor_id"] != me(t, rep)["id"] {
			t.Fatalf("last move: %v", h)
		}
		// Lost needs a reason; it sets the category omitted.
		o2 := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(5)})
		if p := move(rep, o2, st["输单"]).Want(422).Problem(); !p.Names("body.loss_reason") {
			t.Fatalf("lost without reason: %+v", p)
		}
		lost := move(rep, o2, st["输单"], "预算取消").Want(200).Map()
		if lost["forecast_category"] != "omitted" || lost["win_loss_reason"] != "预算取消" {
			t.Fatalf("lost: %v", lost)
		}
		// Lost to won directly would dodge the gates.
		move(rep, o2, st["赢单"]).Want(409)
		// Reopening puts it back into the pipeline category.
		if re := move(rep, o2, st["初步接洽"]).Want(200).Map(); re["forecast_category"] != "pipeline" {
			t.Fatalf("reopened: %v", re)
		}
		// A stage of another pipeline is refused.
		if p := rep.Do("POST", "/api/v1/opportunities/"+o2["id"].(string)+"/stage", map[string]any{"stage_id": "00000000-0000-7000-8000-000000000000"},
			"If-Match", `"3"`).Want(422).Problem(); !p.Names("body.stage_id") {
			t.Fatalf("foreign stage: %+v", p)
		}
	})
}

func TestWeightedAmountAndStalled(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		st := stageIDs(pipelines(t, rep)[0])
		cust := newCustomer(t, rep, map[string]any{"name": "舍入公司"})
		for _, c := range []struct {
			amount   int64
			stage    string
			weighted int64
		}{
			{3333, "初步接洽", 333},      // 333.3
			{3335, "初步接洽", 334},      // 333.5 rounds up
			{5, "初步接洽", 1},           // 0.5
			{4, "初步接洽", 0},           // 0.4
			{3333, "需求确认", 833},      // 833.25
			{2, "需求确认", 1},           // 0.5
			{333333, "拟定合同", 250000}, // 249999.75
			{0, "报价", 0},
		} {
			o := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(c.amount), "stage_id": st[c.stage]})
			if w, cur := money(o["weighted_amount"]); w != c.weighted || cur != "CNY" {
				t.Errorf("%d in %s: weighted %d %s, want %d", c.amount, c.stage, w, cur, c.weighted)
			}
		}
		// Stalled: 初步接洽 rots after 14 days without activity.
		o := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(1), "name": "沉睡"})
		id := o["id"].(string)
		stalled := func() bool {
			return rep.Do("GET", "/api/v1/opportunities/"+id, nil).Want(200).Map()["stalled"].(bool)
		}
		if stalled() || slices.Contains(listIDs(t, rep, "/api/v1/opportunities?stalled=true"), id) {
			t.Fatal("a new opportunity is stalled")
		}
		// Fifteen days pass (the clock's times move back instead).
		ctx := context.Background()
		var entered, rots time.Time
		if err := e.DB.Read.NewSelect().Table("opportunities").Column("stage_entered_at", "rots_at").Where("id = ?", id).Scan(ctx, &entered, &rots); err != nil {
			t.Fatal(err)
		}
		if d := rots.Sub(entered); d != 14*24*time.Hour {
			t.Fatalf("rots after %v", d)
		}
		shift := -15 * 24 * time.Hour
		if _, err := e.DB.Write.NewUpdate().Table("opportunities").Set("stage_entered_at = ?, rots_at = ?", entered.Add(shift), rots.Add(shift)).
			Where("id = ?", id).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if !stalled() || !slices.Contains(listIDs(t, rep, "/api/v1/opportunities?stalled=true"), id) ||
			slices.Contains(listIDs(t, rep, "/api/v1/opportunities?stalled=false"), id) {
			t.Fatal("not stalled after 15 quiet days")
		}
		// A call on the opportunity restarts the clock.
		rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "opportunity",
			"subject_id": id, "title": "回访"}).Want(201)
		if stalled() || slices.Contains(listIDs(t, rep, "/api/v1/opportunities?stalled=true"), id) {
			t.Fatal("still stalled after a call")
		}
		// So does a stage move, after another quiet spell.
		if _, err := e.DB.Write.NewUpdate().Table("opportunities").Set("rots_at = ?", time.Now().UTC().Add(-time.Hour)).
			Where("id = ?", id).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if !stalled() {
			t.Fatal("not stalled after the clock ran out")
		}
		move(rep, o, st["需求确认"]).Want(200)
		if stalled() {
			t.Fatal("stalled right after a stage move")
		}
	})
}

type funnelJSON struct {
	Stages []struct {
		Name   string
		Count  int64
		Totals []struct {
			Currency       string
			Count          int64
			Amount         int64
			WeightedAmount int64 `json:"weighted_amount"`
		}
		Entered    int64
		Advanced   int64
		Conversion *float64
	}
}

// summary renders a funnel as "name count [currency:count/amount/weighted…] entered/advanced conversion" lines.
func (f funnelJSON) summary() string {
	var lines []string
	for _, s := range f.Stages {
		var tot []string
		for _, t := range s.Totals {
			tot = append(tot, fmt.Sprintf("%s:%d/%d/%d", t.Currency, t.Count, t.Amount, t.WeightedAmount))
		}
		conv := "-"
		if s.Conversion != nil {
			conv = fmt.Sprintf("%.2f", *s.Conversion)
		}
		lines = append(lines, fmt.Sprintf("%s %d %v %d/%d %s", s.Name, s.Count, tot, s.Entered, s.Advanced, conv))
	}
	return strings.Join(lines, "\n")
}

func TestFunnel(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		director := e.Demo("director@demo.local")
		pl := director.Do("POST", "/api/v1/pipelines", map[string]any{"name": "漏斗测试", "stages": []map[string]any{
			{"name": "A", "probability": 20, "kind": "open"}, {"name": "B", "probability": 60, "kind": "open"},
			{"name": "赢", "probability": 100, "kind": "won"}, {"name": "输", "probability": 0, "kind": "lost"}}}).Want(201).Map()
		var p pipelineJSON
		director.Do("GET", "/api/v1/pipelines/"+pl["id"].(string), nil).Want(200).JSON(&p)
		st := stageIDs(p)
		rep, rep2 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "漏斗客户"})
		opp := func(c *apitest.Client, cu map[string]any, amount map[string]any, stage string) map[string]any {
			return newOpp(t, c, map[string]any{"customer_id": cu["id"], "amount": amount, "pipeline_id": p.ID, "stage_id": st[stage]})
		}
		o1 := opp(rep, cust, cny(1000), "A")
		move(rep, o1, st["B"]).Want(200)
		move(rep, o1, st["赢"]).Want(200)
		o2 := opp(rep, cust, cny(2000), "A")
		move(rep, o2, st["B"]).Want(200)
		o3 := opp(rep, cust, cny(3000), "A")
		move(rep, o3, st["输"], "预算取消").Want(200)
		o4 := opp(rep, cust, cny(4003), "A") // A → B → back to A: counted once per stage
		move(rep, o4, st["B"]).Want(200)
		move(rep, o4, st["A"]).Want(200)
		opp(rep, cust, cny(5005), "B")
		opp(rep, cust, map[string]any{"amount": 100, "currency": "USD"}, "B")
		// Another rep of the same team.
		cust2 := newCustomer(t, rep2, map[string]any{"name": "别人的客户"})
		opp(rep2, cust2, cny(999999), "A")

		q := "/api/v1/analytics/funnel?pipeline_id=" + p.ID
		var f funnelJSON
		rep.Do("GET", q, nil).Want(200).JSON(&f)
		// A: o4 now (4003 × 20% = 800.6 → 801); entered by o1–o4, of which o1, o2, o4 went on to B.
		// B: o2 (2000 → 1200) + o5 (5005 × 60% = 3003) in CNY, o6 in USD; entered by o1, o2, o4, o5, o6; o1 went on.
		want := "A 1 [CNY:1/4003/801] 4/3 0.75\n" +
			"B 3 [CNY:2/7005/4203 USD:1/100/60] 5/1 0.20\n" +
			"赢 1 [CNY:1/1000/1000] 1/0 -\n" +
			"输 1 [CNY:1/3000/0] 1/0 -"
		if got := f.summary(); got != want {
			t.Fatalf("rep's funnel:\n%s\nwant:\n%s", got, want)
		}
		// The manager and the director see the other rep's opportunity too.
		wantTeam := strings.Replace(want, "A 1 [CNY:1/4003/801] 4/3 0.75", "A 2 [CNY:2/1004002/200801] 5/3 0.60", 1)
		for _, c := range []*apitest.Client{e.Demo("east1.manager@demo.local"), director} {
			var team funnelJSON
			c.Do("GET", q, nil).Want(200).JSON(&team)
			if got := team.summary(); got != wantTeam {
				t.Fatalf("team funnel:\n%s\nwant:\n%s", got, wantTeam)
			}
		}
		var rep2f funnelJSON
		rep2.Do("GET", q, nil).Want(200).JSON(&rep2f)
		if !strings.HasPrefix(rep2f.summary(), "A 1 [CNY:1/999999/200000] 1/0 0.00\nB 0 [] 0/0 -") {
			t.Fatalf("rep2's funnel:\n%s", rep2f.summary())
		}
		// The period: nothing was created in 2000; everything today.
		var empty funnelJSON
		rep.Do("GET", q+"&from=2000-01-01&to=2000-02-01", nil).Want(200).JSON(&empty)
		if !strings.HasPrefix(empty.summary(), "A 0 [] 0/0 -") {
			t.Fatalf("empty period:\n%s", empty.summary())
		}
		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		var period funnelJSON
		rep.Do("GET", q+"&from="+today+"&to="+tomorrow, nil).Want(200).JSON(&period)
		if period.summary() != want {
			t.Fatalf("today's funnel:\n%s", period.summary())
		}
		if p := rep.Do("GET", q+"&from=2030-02-30", nil).Want(422).Problem(); len(p.Errors) == 0 {
			t.Fatalf("bad from: %+v", p)
		}
		// Drill-down: the list filtered by stage and the same period.
		got := listIDs(t, rep, "/api/v1/opportunities?pipeline_id="+p.ID+"&stage_id="+st["B"]+"&created_from="+today+"&created_to="+tomorrow)
		if len(got) != 3 || !slices.Contains(got, o2["id"].(string)) {
			t.Fatalf("drill-down: %v", got)
		}
		// Another tenant does not see this pipeline at all.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人",
			"email": "x@other.test", "password": "a long enough passphrase"}).Want(201)
		e.Login("x@other.test", "a long enough passphrase").Do("GET", q, nil).Want(404)
	})
}

func TestOpportunityIsolationAndBadInput(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "本公司客户"})
		o := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(100)})
		path := "/api/v1/opportunities/" + o["id"].(string)
		// Another rep's customer is not the rep's to sell to.
		other := newCustomer(t, e.Demo("east2.rep1@demo.local"), map[string]any{"name": "别组客户"})
		before := rows(t, e, "opportunities")
		auditBefore := auditCount(t, e)
		good := func() map[string]any {
			return map[string]any{"customer_id": cust["id"], "name": "n", "amount": cny(100), "expected_close": "2030-01-31"}
		}
		for _, c := range []struct {
			field string
			value any
			names string
		}{
			{"amount", map[string]any{"amount": 12.5, "currency": "CNY"}, "body.amount.amount"},
			{"amount", map[string]any{"amount": "100", "currency": "CNY"}, "body.amount.amount"},
			{"amount", map[string]any{"amount": -1, "currency": "CNY"}, "body.amount.amount"},
			{"amount", map[string]any{"amount": 1e18, "currency": "CNY"}, "body.amount.amount"},
			{"amount", map[string]any{"amount": 1, "currency": "cny"}, "body.amount.currency"},
			{"amount", map[string]any{"amount": 1, "currency": "CNYX"}, "body.amount.currency"},
			{"amount", 100, "body.amount"},
			{"expected_close", "2030-02-30", "body.expected_close"},
			{"expected_close", "2030/01/31", "body.expected_close"},
			{"customer_id", other["id"], "body.customer_id"},
			{"need_score", 6, "body.need_score"},
			{"owner_id", me(t, e.Demo("east1.rep2@demo.local"))["id"], "body.owner_id"},
		} {
			b := good()
			b[c.field] = c.value
			p := rep.Do("POST", "/api/v1/opportunities", b).Want(422).Problem()
			if !p.Names(c.names) {
				t.Errorf("%s=%v: %+v", c.field, c.value, p)
			}
		}
		if p := rep.Do("PATCH", path, map[string]any{"amount": map[string]any{"amount": 1.5, "currency": "CNY"}}, "If-Match", `"1"`).Want(422).Problem(); !p.Names("body.amount.amount") {
			t.Errorf("patch float amount: %+v", p)
		}
		if p := rep.Do("PATCH", path, map[string]any{"expected_close": "2030-13-01"}, "If-Match", `"1"`).Want(422).Problem(); !p.Names("body.expected_close") {
			t.Errorf("patch bad date: %+v", p)
		}
		rep.Do("GET", "/api/v1/opportunities?close_month=2030-13", nil).Want(422)
		if rows(t, e, "opportunities") != before || auditCount(t, e) != auditBefore {
			t.Fatal("a refused input wrote something")
		}
		// close_month filter.
		if got := listIDs(t, rep, "/api/v1/opportunities?close_month=2030-06"); !slices.Equal(got, []string{o["id"].(string)}) {
			t.Fatalf("close_month: %v", got)
		}
		if got := listIDs(t, rep, "/api/v1/opportunities?close_month=2030-07"); len(got) != 0 {
			t.Fatalf("close_month July: %v", got)
		}
		// Tenant isolation.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人",
			"email": "x@other.test", "password": "a long enough passphrase"}).Want(201)
		x := e.Login("x@other.test", "a long enough passphrase")
		x.Do("GET", path, nil).Want(404)
		x.Do("PATCH", path, map[string]any{"name": "偷"}, "If-Match", `"1"`).Want(404)
		x.Do("POST", path+"/stage", map[string]any{"stage_id": o["stage_id"]}, "If-Match", `"1"`).Want(404)
		x.Do("DELETE", path, nil, "If-Match", `"1"`).Want(404)
		if got := listIDs(t, x, "/api/v1/opportunities"); len(got) != 0 {
			t.Fatalf("other tenant lists %v", got)
		}
		if p := x.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cust["id"], "name": "n", "amount": cny(1),
			"expected_close": "2030-01-31"}).Want(422).Problem(); !p.Names("body.customer_id") {
			t.Fatalf("foreign customer: %+v", p)
		}
		xc := newCustomer(t, x, map[string]any{"name": "外人客户"})
		if p := x.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": xc["id"], "name": "n", "amount": cny(1),
			"expected_close": "2030-01-31", "pipeline_id": o["pipeline_id"]}).Want(422).Problem(); !p.Names("body.pipeline_id") {
			t.Fatalf("foreign pipeline: %+v", p)
		}
		// Keyset paging by amount.
		for _, a := range []int64{5, 500, 50} {
			newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(a)})
		}
		var amounts []int64
		cursor := ""
		for {
			var page struct {
				Items      []map[string]any
				NextCursor string `json:"next_cursor"`
			}
			rep.Do("GET", "/api/v1/opportunities?sort=-amount&limit=1&cursor="+cursor, nil).Want(200).JSON(&page)
			for _, it := range page.Items {
				a, _ := money(it["amount"])
				amounts = append(amounts, a)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if fmt.Sprint(amounts) != "[500 100 50 5]" {
			t.Fatalf("by amount: %v", amounts)
		}
	})
}

// TestMigrationSeedsExistingTenants replays the deals migration over a
// tenant that predates it (its pipeline and pipeline.manage removed): the
// tenant gets the default pipeline, usable like a hook-made one.
func TestMigrationSeedsExistingTenants(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		// The replayed seed predates stage bits (00013), which gives existing
		// stages their bits after the fact: do the same around the replay.
		for _, q := range []string{"DELETE FROM stages", "DELETE FROM pipelines", "DROP INDEX stages_pipeline_bit",
			`UPDATE roles SET permissions = replace(permissions, ',"pipeline.manage"', '')`} {
			if _, err := e.DB.Write.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		dir := "sqlite"
		if e.DB.Dialect == "postgres" {
			dir = "postgres"
		}
		raw, err := migrations.FS.ReadFile(dir + "/00006_deals.sql")
		if err != nil {
			t.Fatal(err)
		}
		up, _, _ := strings.Cut(string(raw), "-- +goose Down")
		i := strings.Index(up, "INSERT INTO pipelines")
		if i < 0 {
			t.Fatal("no seed in the migration")
		}
		for _, stmt := range strings.Split(up[i:], ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := e.DB.Write.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		for _, q := range []string{"UPDATE stages SET bit = position - 1", "CREATE UNIQUE INDEX stages_pipeline_bit ON stages (pipeline_id, bit)"} {
			if _, err := e.DB.Write.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		rep, director := e.Demo("east1.rep1@demo.local"), e.Demo("director@demo.local")
		ps := pipelines(t, rep)
		if len(ps) != 1 || !ps[0].IsDefault || len(ps[0].Stages) != 6 || fmt.Sprint(ps[0].Stages[1].RequiredTasks) != "[确认预算 确认决策人]" {
			t.Fatalf("seeded: %+v", ps)
		}
		if perms := fmt.Sprint(director.Do("GET", "/api/v1/me", nil).Want(200).Map()["permissions"]); !strings.Contains(perms, "pipeline.manage") {
			t.Fatalf("director permissions: %s", perms)
		}
		director.Do("GET", "/api/v1/pipelines/"+ps[0].ID, nil).Want(200)
		st := stageIDs(ps[0])
		cust := newCustomer(t, rep, map[string]any{"name": "升级客户"})
		o := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(10)})
		move(rep, o, st["需求确认"]).Want(200)
		if p := move(rep, o, st["报价"]).Want(409).Problem(); len(p.Errors) != 2 {
			t.Fatalf("gate on the seeded pipeline: %+v", p)
		}
	})
}

// A gate refusal gives each open required task's stage id and task id
// (missing_tasks) beside the text, so a client ticks them without matching
// names; a task of a stage skipped over, never made, has no task id.
func TestGateRefusalNamesTaskIDs(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		st := stageIDs(pipelines(t, rep)[0])
		cust := newCustomer(t, rep, map[string]any{"name": "任务编号科技"})
		o := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(100000)})
		path := "/api/v1/opportunities/" + o["id"].(string)
		type missing struct {
			StageID string `json:"stage_id"`
			Stage   string
			TaskID  *string `json:"task_id"`
			Task    string
		}
		var refusal struct {
			Detail       string
			Errors       []struct{ Value string }
			MissingTasks []missing `json:"missing_tasks"`
		}
		// Skipping 需求确认 (never entered): its tasks are named, without ids.
		move(rep, o, st["报价"]).Want(409).JSON(&refusal)
		if len(refusal.MissingTasks) != 2 || len(refusal.Errors) != 2 || !strings.Contains(refusal.Detail, "确认预算") {
			t.Fatalf("skipped-stage refusal: %+v", refusal)
		}
		for _, m := range refusal.MissingTasks {
			if m.StageID != st["需求确认"] || m.Stage != "需求确认" || m.TaskID != nil {
				t.Fatalf("skipped-stage task: %+v", m)
			}
		}
		move(rep, o, st["需求确认"]).Want(200)
		var tasks struct{ Items []map[string]any }
		rep.Do("GET", path+"/tasks", nil).Want(200).JSON(&tasks)
		ids := map[string]string{}
		for _, tk := range tasks.Items {
			ids[tk["name"].(string)] = tk["id"].(string)
		}
		refusal.MissingTasks = nil
		move(rep, o, st["报价"]).Want(409).JSON(&refusal)
		if len(refusal.MissingTasks) != 2 {
			t.Fatalf("refusal: %+v", refusal)
		}
		// Tick each by the id the refusal gave: then the move goes through.
		for i, m := range refusal.MissingTasks {
			if m.TaskID == nil || *m.TaskID != ids[m.Task] || m.StageID != st["需求确认"] || refusal.Errors[i].Value != "需求确认: "+m.Task {
				t.Fatalf("missing task %d: %+v (tasks %v)", i, m, ids)
			}
			rep.Do("POST", path+"/tasks/"+*m.TaskID+"/done", nil).Want(200)
		}
		move(rep, o, st["报价"]).Want(200)
	})
}

// TestDemoOpportunityContacts: the demo history names one or two of the
// customer's own contacts on every opportunity, and the API gives them.
func TestDemoOpportunityContacts(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		if ok, err := demo.History(ctx, e.DB, time.Now().UTC(), demo.Size{Leads: 100, Customers: 30, Opportunities: 40, Months: 6}); err != nil || !ok {
			t.Fatalf("history: %v %v", ok, err)
		}
		var bad int
		if err := e.DB.Read.NewRaw(`SELECT COUNT(*) FROM opportunities o WHERE
			(SELECT COUNT(*) FROM opportunity_contacts oc WHERE oc.opportunity_id = o.id) NOT IN (1, 2)
			OR EXISTS (SELECT 1 FROM opportunity_contacts oc JOIN contacts c ON c.id = oc.contact_id
				WHERE oc.opportunity_id = o.id AND c.customer_id <> o.customer_id)`).Scan(ctx, &bad); err != nil || bad != 0 {
			t.Fatalf("%d opportunities without one or two of their customer's contacts (%v)", bad, err)
		}
		director := e.Demo("director@demo.local")
		var page struct{ Items []map[string]any }
		director.Do("GET", "/api/v1/opportunities?limit=10", nil).Want(200).JSON(&page)
		sizes := map[int]bool{}
		for _, it := range page.Items {
			o := director.Do("GET", "/api/v1/opportunities/"+it["id"].(string), nil).Want(200).Map()
			ids := o["contact_ids"].([]any)
			sizes[len(ids)] = true
			for _, id := range ids {
				if c := director.Do("GET", "/api/v1/contacts/"+id.(string), nil).Want(200).Map(); c["customer_id"] != o["customer_id"] {
					t.Fatalf("contact %v of another customer on %v", c, o["id"])
				}
			}
		}
		if len(page.Items) != 10 || !sizes[1] || !sizes[2] {
			t.Fatalf("ten opportunities should show both one and two contacts: %v", sizes)
		}
	})
}
