package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/jobs"
)

// plDepts maps the demo tenant's department names to ids.
func plDepts(t *testing.T, c *apitest.Client) map[string]string {
	t.Helper()
	var deps struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/departments", nil).Want(200).JSON(&deps)
	out := map[string]string{}
	for _, d := range deps.Items {
		out[d["name"].(string)] = d["id"].(string)
	}
	return out
}

// plUsers maps demo emails to user ids.
func plUsers(t *testing.T, c *apitest.Client) map[string]string {
	t.Helper()
	var users struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/users?limit=100", nil).Want(200).JSON(&users)
	out := map[string]string{}
	for _, u := range users.Items {
		out[u["email"].(string)] = u["id"].(string)
	}
	return out
}

// plPooled makes n leads in a pool: created by c (who may assign) for
// owner (empty: c) and returned.
func plPooled(t *testing.T, c *apitest.Client, owner, poolID string, n int) []string {
	t.Helper()
	var out []string
	for i := 0; i < n; i++ {
		body := map[string]any{"contact_name": fmt.Sprintf("公海客户%d", i), "allow_duplicate": true}
		if owner != "" {
			body["owner_id"] = owner
		}
		l := newLead(t, c, body)
		r := c.Do("POST", "/api/v1/leads/"+l["id"].(string)+"/return", map[string]any{"reason": "放回公海"}).Want(200).Map()
		if r["pool_id"] != poolID || r["owner_id"] != nil {
			t.Fatalf("returned lead: %v, want pool %s", r, poolID)
		}
		out = append(out, l["id"].(string))
	}
	return out
}

// plEvents lists a lead's pool events as "kind:user:reason", newest first.
func plEvents(t *testing.T, c *apitest.Client, leadID string) []string {
	t.Helper()
	var page struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/leads/"+leadID+"/pool-events", nil).Want(200).JSON(&page)
	var out []string
	for _, e := range page.Items {
		out = append(out, fmt.Sprintf("%v:%v:%v", e["kind"], e["user_id"], e["reason"]))
	}
	return out
}

func plPoolLeads(t *testing.T, c *apitest.Client, poolID string) []string {
	t.Helper()
	var page struct{ Items []map[string]any }
	r := c.Do("GET", "/api/v1/pools/"+poolID+"/leads?limit=500", nil).Want(200)
	r.JSON(&page)
	out := []string{}
	for _, l := range page.Items {
		if _, ok := l["phone"]; ok {
			t.Fatalf("pool list shows contact details: %s", r.Body)
		}
		out = append(out, l["id"].(string))
	}
	slices.Sort(out)
	return out
}

func TestRegions(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		east := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "华东"}).Want(201).Map()
		sh := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "上海", "parent_id": east["id"]}).Want(201).Map()
		pd := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "浦东", "parent_id": sh["id"]}).Want(201).Map()
		south := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "华南"}).Want(201).Map()
		if p := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "上海", "parent_id": east["id"]}).Want(409).Problem(); !p.Names("body.name") {
			t.Fatalf("duplicate name: %+v", p)
		}
		admin.Do("POST", "/api/v1/regions", map[string]any{"name": "x", "parent_id": "00000000-0000-7000-8000-000000000000"}).Want(422)
		// A rep reads the tree, parents first, but cannot change it.
		rep := e.Demo("east1.rep1@demo.local")
		var page struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/regions", nil).Want(200).JSON(&page)
		var names []string
		for _, r := range page.Items {
			names = append(names, r["name"].(string))
		}
		if len(names) != 4 || slices.Index(names, "华东") > slices.Index(names, "上海") || slices.Index(names, "上海") > slices.Index(names, "浦东") {
			t.Fatalf("regions: %v", names)
		}
		rep.Do("POST", "/api/v1/regions", map[string]any{"name": "华北"}).Want(403)
		// Moving 上海 under 华南 carries 浦东 along; a cycle is refused.
		admin.Do("PATCH", "/api/v1/regions/"+east["id"].(string), map[string]any{"parent_id": pd["id"]}, "If-Match", `"1"`).Want(422)
		admin.Do("PATCH", "/api/v1/regions/"+sh["id"].(string), map[string]any{"parent_id": south["id"]}, "If-Match", `"1"`).Want(200)
		admin.Do("PATCH", "/api/v1/regions/"+sh["id"].(string), map[string]any{"name": "沪"}, "If-Match", `"1"`).Want(412)
		// Region matching follows the move: a rule on 华南 takes a 浦东 lead.
		rule := admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "华南线索", "department_id": plDepts(t, admin)["广州一组"],
			"conditions": map[string]any{"region": "华南"}}).Want(201).Map()
		l := newLead(t, admin, map[string]any{"contact_name": "浦东客户", "region": "浦东"})
		r := admin.Do("POST", "/api/v1/leads/"+l["id"].(string)+"/assign", map[string]any{"reason": "按规则"}).Want(200).Map()
		if r["outcome"] != "assigned" || r["rule_id"] != rule["id"] || r["owner_id"] != plUsers(t, admin)["south1.rep1@demo.local"] {
			t.Fatalf("region rule: %v", r)
		}
		// Deleting needs the subtree empty, the current version and no record
		// carrying the name (the 浦东 lead does; TestRegionRenameAndDeleteInUse
		// deletes an unused one).
		admin.Do("DELETE", "/api/v1/regions/"+south["id"].(string), nil, "If-Match", `"1"`).Want(409)
		admin.Do("DELETE", "/api/v1/regions/"+pd["id"].(string), nil, "If-Match", `"2"`).Want(412)
		admin.Do("DELETE", "/api/v1/regions/"+pd["id"].(string), nil, "If-Match", `"1"`).Want(409)
		var hist struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/regions/"+sh["id"].(string)+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 2 {
			t.Fatalf("region history: %v", hist.Items)
		}
		// Another tenant sees none of it.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "o@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("o@other.test", "outsider password")
		other.Do("GET", "/api/v1/regions/"+east["id"].(string), nil).Want(404)
		other.Do("GET", "/api/v1/regions", nil).Want(200).JSON(&page)
		if len(page.Items) != 0 {
			t.Fatalf("other tenant sees regions: %v", page.Items)
		}
	})
}

func TestPoolClaimAndReturn(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		mgr := e.Demo("east1.manager@demo.local")
		rep1, rep2, rep3 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local"), e.Demo("east1.rep3@demo.local")
		// Reps cannot make pools; a manager only in their own departments.
		rep1.Do("POST", "/api/v1/pools", map[string]any{"name": "p", "department_id": deps["上海一组"]}).Want(403)
		if p := mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "p", "department_id": deps["杭州二组"]}).Want(422).Problem(); !p.Names("body.department_id") {
			t.Fatalf("foreign department: %+v", p)
		}
		// No pool yet: returning has nowhere to go.
		first := newLead(t, rep1, map[string]any{"contact_name": "周先生", "phone": "13911112222"})
		rep1.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/return", map[string]any{"reason": "无意向"}).Want(409)
		pool := mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "上海一组公海", "department_id": deps["上海一组"],
			"claim_limit": 2, "reclaim_cooldown_days": 3, "member_ids": []string{users["east1.rep1@demo.local"], users["east1.rep2@demo.local"]}}).Want(201).Map()
		pid := pool["id"].(string)
		mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "上海一组公海", "department_id": deps["上海一组"]}).Want(409)
		// Return: the reason is required; then the lead is in the pool, out of the rep's own list.
		if p := rep1.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/return", map[string]any{}).Want(422).Problem(); !p.Names("body.reason") {
			t.Fatalf("return without reason: %+v", p)
		}
		rep1.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/return", map[string]any{"reason": "无意向"}).Want(200)
		rep1.Do("GET", "/api/v1/leads/"+first["id"].(string), nil).Want(404)
		rep1.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/return", map[string]any{"reason": "again"}).Want(404)
		got := mgr.Do("GET", "/api/v1/leads/"+first["id"].(string), nil).Want(200).Map() // department scope covers the pool
		if got["pool_id"] != pid || got["owner_id"] != nil || got["department_id"] != deps["上海一组"] {
			t.Fatalf("pooled lead: %v", got)
		}
		// Members see the pool and its leads (without phone); others do not.
		if ls := plPoolLeads(t, rep2, pid); !slices.Equal(ls, []string{first["id"].(string)}) {
			t.Fatalf("pool leads: %v", ls)
		}
		rep3.Do("GET", "/api/v1/pools/"+pid, nil).Want(404)
		rep3.Do("GET", "/api/v1/pools/"+pid+"/leads", nil).Want(404)
		var pools struct{ Items []map[string]any }
		rep3.Do("GET", "/api/v1/pools", nil).Want(200).JSON(&pools)
		if len(pools.Items) != 0 {
			t.Fatalf("non-member sees pools: %v", pools.Items)
		}
		rep3.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/claim", nil).Want(404)
		// A manager (not a member) sees the lead but may not claim it.
		mgr.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/claim", nil).Want(403)
		// The rep it was returned from waits out the cooldown.
		r := rep1.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/claim", nil).Want(409)
		if p := r.Problem(); !strings.Contains(p.Detail, "reclaim_cooldown_days") {
			t.Fatalf("cooldown problem: %s", r.Body)
		}
		c := rep2.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/claim", nil).Want(200).Map()
		if c["owner_id"] != users["east1.rep2@demo.local"] || c["pool_id"] != nil {
			t.Fatalf("claimed: %v", c)
		}
		if l := rep2.Do("GET", "/api/v1/leads/"+first["id"].(string), nil).Want(200).Map(); l["phone"] != "13911112222" {
			t.Fatalf("claimed lead: %v", l)
		}
		rep2.Do("POST", "/api/v1/leads/"+first["id"].(string)+"/claim", nil).Want(409)
		ev := plEvents(t, rep2, first["id"].(string))
		if len(ev) != 2 || ev[0] != "claim:"+users["east1.rep2@demo.local"]+":" || ev[1] != "return:"+users["east1.rep1@demo.local"]+":无意向" {
			t.Fatalf("pool events: %v", ev)
		}
		// The claim limit counts the rep's open leads: rep2 holds 1, may claim 1 more.
		more := plPooled(t, mgr, "", pid, 3)
		rep2.Do("POST", "/api/v1/leads/"+more[0]+"/claim", nil).Want(200)
		r = rep2.Do("POST", "/api/v1/leads/"+more[1]+"/claim", nil).Want(409)
		if p := r.Problem(); !strings.Contains(p.Detail, "claim_limit") {
			t.Fatalf("limit problem: %s", r.Body)
		}
		// A disqualified lead no longer counts.
		rep2.Do("PATCH", "/api/v1/leads/"+more[0], map[string]any{"status": "disqualified", "disqualify_reason": "空号"}, "If-Match", `"3"`).Want(200)
		rep2.Do("POST", "/api/v1/leads/"+more[1]+"/claim", nil).Want(200)
		// A switched-off pool cannot be claimed from.
		mgr.Do("PATCH", "/api/v1/pools/"+pid, map[string]any{"enabled": false, "claim_limit": 0}, "If-Match", `"1"`).Want(200)
		rep1.Do("POST", "/api/v1/leads/"+more[2]+"/claim", nil).Want(409)
		// A pool with leads cannot be deleted.
		mgr.Do("DELETE", "/api/v1/pools/"+pid, nil, "If-Match", `"2"`).Want(409)
		// The owner change is in the lead's audit history.
		var hist struct {
			Items []struct {
				ActorID string `json:"actor_id"`
				Changes []struct{ Field, Old, New any }
			}
		}
		admin.Do("GET", "/api/v1/leads/"+first["id"].(string)+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 3 || fmt.Sprint(hist.Items[0].Changes) == "" || hist.Items[0].ActorID != users["east1.rep2@demo.local"] {
			t.Fatalf("lead history: %+v", hist.Items)
		}
		// Another tenant cannot see or claim anything.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "o@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("o@other.test", "outsider password")
		other.Do("GET", "/api/v1/pools/"+pid, nil).Want(404)
		other.Do("POST", "/api/v1/leads/"+more[2]+"/claim", nil).Want(404)
		other.Do("GET", "/api/v1/leads/"+more[2]+"/pool-events", nil).Want(404)
	})
}

// TestConcurrentClaims: many claims of one lead at once → exactly one wins;
// a rep firing 2L claims at once under limit L ends with exactly L.
func TestConcurrentClaims(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		emails := []string{"east1.rep1", "east1.rep2", "east1.rep3", "east1.manager", "east2.rep1", "east2.rep2", "east2.rep3", "east2.manager"}
		var members []string
		var clients []*apitest.Client
		for _, m := range emails {
			members = append(members, users[m+"@demo.local"])
			clients = append(clients, e.Demo(m+"@demo.local"))
		}
		const limit = 3
		pool := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "抢单池", "department_id": deps["上海一组"],
			"claim_limit": limit, "member_ids": members}).Want(201).Map()
		pid := pool["id"].(string)
		leads := plPooled(t, admin, users["east1.manager@demo.local"], pid, 1+2*limit)

		statuses := make([]int, len(clients))
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = c.Do("POST", "/api/v1/leads/"+leads[0]+"/claim", nil).Status
			}()
		}
		wg.Wait()
		slices.Sort(statuses)
		if statuses[len(statuses)-1] != 409 || statuses[len(statuses)-2] != 200 && statuses[0] != 200 || count(statuses, 200) != 1 || count(statuses, 409) != len(clients)-1 {
			t.Fatalf("one lead, %d claimers: statuses %v", len(clients), statuses)
		}
		ev := plEvents(t, admin, leads[0])
		if len(ev) != 2 || !strings.HasPrefix(ev[0], "claim:") {
			t.Fatalf("events after the race: %v", ev)
		}

		// east1.rep3 holds no open lead unless it won above; take one who did not.
		var rep *apitest.Client
		var repID string
		winner := admin.Do("GET", "/api/v1/leads/"+leads[0], nil).Want(200).Map()["owner_id"]
		for i, c := range clients[:3] {
			if members[i] != winner {
				rep, repID = c, members[i]
				break
			}
		}
		rest := leads[1:]
		statuses = make([]int, len(rest))
		for i, id := range rest {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = rep.Do("POST", "/api/v1/leads/"+id+"/claim", nil).Status
			}()
		}
		wg.Wait()
		if count(statuses, 200) != limit || count(statuses, 409) != len(rest)-limit {
			t.Fatalf("%d claims under limit %d: statuses %v", len(rest), limit, statuses)
		}
		var page leadPage
		admin.Do("GET", "/api/v1/leads?limit=500&owner_id="+repID, nil).Want(200).JSON(&page)
		if len(page.Items) != limit {
			t.Fatalf("rep holds %d leads, limit %d", len(page.Items), limit)
		}
		if n := len(plPoolLeads(t, admin, pid)); n != len(rest)-limit {
			t.Fatalf("pool keeps %d leads, want %d", n, len(rest)-limit)
		}
	})
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}

func TestAssignmentRules(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		mgr := e.Demo("east1.manager@demo.local")
		rep := e.Demo("east1.rep1@demo.local")
		// Managers read the rules, only admins and directors write them.
		mgr.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "x", "department_id": deps["上海一组"]}).Want(403)
		rep.Do("GET", "/api/v1/assignment-rules", nil).Want(403)
		east := admin.Do("POST", "/api/v1/regions", map[string]any{"name": "华东"}).Want(201).Map()
		admin.Do("POST", "/api/v1/regions", map[string]any{"name": "上海", "parent_id": east["id"]}).Want(201)
		// Created out of order: position decides.
		expo := admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "展会线索", "position": 5,
			"department_id": deps["杭州二组"], "conditions": map[string]any{"source": "展会"}}).Want(201).Map()
		eastRule := admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "华东软件", "position": 1,
			"department_id": deps["上海一组"], "per_rep_cap": 2, "conditions": map[string]any{"region": "华东", "industry": "软件"}}).Want(201).Map()
		var list struct{ Items []map[string]any }
		mgr.Do("GET", "/api/v1/assignment-rules", nil).Want(200).JSON(&list)
		if len(list.Items) != 2 || list.Items[0]["id"] != eastRule["id"] || list.Items[1]["id"] != expo["id"] {
			t.Fatalf("rule order: %v", list.Items)
		}
		route := func(body map[string]any) map[string]any {
			t.Helper()
			body["allow_duplicate"] = true
			l := newLead(t, admin, body)
			return admin.Do("POST", "/api/v1/leads/"+l["id"].(string)+"/assign", map[string]any{"reason": "按规则分配"}).Want(200).Map()
		}
		// Round robin over 上海一组's three reps, two each (the cap), matching 上海 under 华东 and 展会 leads too (first rule wins).
		var got []string
		for i := 0; i < 6; i++ {
			r := route(map[string]any{"contact_name": fmt.Sprint("客户", i), "region": "上海", "industry": "软件", "source": "展会"})
			if r["outcome"] != "assigned" || r["rule_id"] != eastRule["id"] || r["department_id"] != deps["上海一组"] {
				t.Fatalf("routed: %v", r)
			}
			got = append(got, r["owner_id"].(string))
		}
		r1, r2, r3 := users["east1.rep1@demo.local"], users["east1.rep2@demo.local"], users["east1.rep3@demo.local"]
		if want := []string{r1, r2, r3, r1, r2, r3}; !slices.Equal(got, want) {
			t.Fatalf("round robin: %v, want %v", got, want)
		}
		// Everyone at the cap, no pool: the lead stays where it was.
		r := route(map[string]any{"contact_name": "满额", "region": "华东", "industry": "软件"})
		if r["outcome"] != "unchanged" || r["owner_id"] != users["admin@demo.local"] {
			t.Fatalf("all at cap, no pool: %v", r)
		}
		// With a pool the lead goes there.
		pool := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "上海公海", "department_id": deps["上海一组"]}).Want(201).Map()
		r = route(map[string]any{"contact_name": "满额2", "region": "华东", "industry": "软件"})
		if r["outcome"] != "pooled" || r["pool_id"] != pool["id"] || r["owner_id"] != nil {
			t.Fatalf("all at cap, pool: %v", r)
		}
		// Second rule; and no match at all.
		if r = route(map[string]any{"contact_name": "展会客户", "source": "展会"}); r["owner_id"] != users["east2.rep1@demo.local"] {
			t.Fatalf("expo rule: %v", r)
		}
		if r = route(map[string]any{"contact_name": "无规则", "source": "电话"}); r["outcome"] != "unchanged" || r["rule_id"] != nil {
			t.Fatalf("no rule: %v", r)
		}
		// A disabled rule is skipped.
		admin.Do("PATCH", "/api/v1/assignment-rules/"+expo["id"].(string), map[string]any{"enabled": false}, "If-Match", `"1"`).Want(200)
		if r = route(map[string]any{"contact_name": "展会客户2", "source": "展会"}); r["outcome"] != "unchanged" {
			t.Fatalf("disabled rule: %v", r)
		}

		// Manual assignment: reason required, target in scope, history kept.
		l := newLead(t, mgr, map[string]any{"contact_name": "手工分配", "allow_duplicate": true})
		lid := l["id"].(string)
		if p := mgr.Do("POST", "/api/v1/leads/"+lid+"/assign", map[string]any{"owner_id": r2}).Want(422).Problem(); !p.Names("body.reason") {
			t.Fatalf("no reason: %+v", p)
		}
		mgr.Do("POST", "/api/v1/leads/"+lid+"/assign", map[string]any{"owner_id": users["east2.rep1@demo.local"], "reason": "x"}).Want(422)
		rep.Do("POST", "/api/v1/leads/"+lid+"/assign", map[string]any{"owner_id": r1, "reason": "x"}).Want(403)
		a := mgr.Do("POST", "/api/v1/leads/"+lid+"/assign", map[string]any{"owner_id": r2, "reason": "熟悉该行业"}).Want(200).Map()
		if a["owner_id"] != r2 || a["outcome"] != "assigned" {
			t.Fatalf("manual assign: %v", a)
		}
		mgr.Do("POST", "/api/v1/leads/"+lid+"/assign", map[string]any{"owner_id": r2, "reason": "again"}).Want(409)
		if ev := plEvents(t, mgr, lid); len(ev) != 1 || ev[0] != "assign:"+r2+":熟悉该行业" {
			t.Fatalf("assign events: %v", ev)
		}
		var hist struct {
			Items []struct {
				Changes []struct {
					Field    string
					Old, New any
				}
			}
		}
		mgr.Do("GET", "/api/v1/leads/"+lid+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 2 || hist.Items[0].Changes[0].Field != "owner_id" || hist.Items[0].Changes[0].New != r2 {
			t.Fatalf("assign history: %+v", hist.Items)
		}
		// Assigning a pooled lead takes it out of its pool, with an event too.
		// (A PATCH no longer changes the owner: see TestLeadClockAndOwnerNotPatchable.)
		pooled := plPoolLeads(t, admin, pool["id"].(string))[0]
		admin.Do("POST", "/api/v1/leads/"+pooled+"/assign", map[string]any{"owner_id": r3, "reason": "接手"}).Want(200)
		p := admin.Do("GET", "/api/v1/leads/"+pooled, nil).Want(200).Map()
		if p["owner_id"] != r3 || p["pool_id"] != nil {
			t.Fatalf("assigned pooled lead: %v", p)
		}
		if ev := plEvents(t, admin, pooled); len(ev) != 2 || ev[0] != "assign:"+r3+":接手" {
			t.Fatalf("assign events: %v", ev)
		}
		// Another tenant sees no rules.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "o@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("o@other.test", "outsider password")
		other.Do("GET", "/api/v1/assignment-rules/"+expo["id"].(string), nil).Want(404)
		other.Do("POST", "/api/v1/leads/"+lid+"/assign", map[string]any{"reason": "x"}).Want(404)
		admin.Do("DELETE", "/api/v1/assignment-rules/"+expo["id"].(string), nil, "If-Match", `"2"`).Want(204)
	})
}

func TestPoolAutoReturnJob(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps := plDepts(t, admin)
		rep := e.Demo("east1.rep1@demo.local")
		pool := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "自动回收", "department_id": deps["上海一组"],
			"return_after_days_no_follow_up": 7, "return_after_days_no_conversion": 30}).Want(201).Map()
		pid := pool["id"].(string)
		now := time.Now().UTC()
		// A lead assigned 20 days ago and last followed up days ago (the
		// clock runs from the later of the two).
		followedUp := func(c *apitest.Client, name string, days int) string {
			id := newLead(t, c, map[string]any{"contact_name": name})["id"].(string)
			setLastFollowUp(t, e, id, now.AddDate(0, 0, days))
			if _, err := e.DB.Write.NewUpdate().Table("leads").Set("assigned_at = ?", now.AddDate(0, 0, -20)).
				Where("id = ?", id).Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
			return id
		}
		stale := followedUp(rep, "久未跟进", -10)
		fresh := followedUp(rep, "刚跟进", -1)
		never := newLead(t, rep, map[string]any{"contact_name": "从未跟进"})["id"].(string)
		other := followedUp(e.Demo("east2.rep1@demo.local"), "别组的", -10)
		mine := followedUp(e.Demo("east1.manager@demo.local"), "经理的", -10)

		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		ctx := context.Background()
		// run answers how many lead-return runs RunDue did (other jobs,
		// such as the nightly customer scoring, run in the same tick).
		run := func(when time.Time) int {
			t.Helper()
			var before, after int
			count := "SELECT COUNT(*) FROM job_runs WHERE key LIKE 'lead-return:%'"
			if err := e.DB.Read.NewRaw(count).Scan(ctx, &before); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RunDue(ctx, when); err != nil {
				t.Fatal(err)
			}
			if err := e.DB.Read.NewRaw(count).Scan(ctx, &after); err != nil {
				t.Fatal(err)
			}
			return after - before
		}
		if n := run(now); n != 1 {
			t.Fatalf("first run: %d runs", n)
		}
		if n := run(now); n != 0 {
			t.Fatalf("second run the same day: %d runs", n)
		}
		if got, want := plPoolLeads(t, admin, pid), []string{stale}; !slices.Equal(got, want) {
			t.Fatalf("returned %v, want %v (not the manager's, not another team's)", got, want)
		}
		if ev := plEvents(t, admin, stale); len(ev) != 1 || !strings.HasPrefix(ev[0], "auto_return:") {
			t.Fatalf("events: %v", ev)
		}
		var found struct {
			Items []struct {
				ActorID   string `json:"actor_id"`
				ActorName string `json:"actor_name"`
			}
		}
		admin.Do("GET", "/api/v1/audit?object_type=lead&object_id="+stale, nil).Want(200).JSON(&found)
		if len(found.Items) != 2 || found.Items[0].ActorID != "system" {
			t.Fatalf("audit of the return: %+v", found.Items)
		}
		// Eight days on, from two instances at once: the never-followed-up
		// lead (clock from its assignment) and the fresh one go back, once.
		later := now.AddDate(0, 0, 8)
		var keysBefore int
		leadRuns := "SELECT COUNT(*) FROM job_runs WHERE key LIKE 'lead-return:%'"
		if err := e.DB.Read.NewRaw(leadRuns).Scan(ctx, &keysBefore); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		runs := make([]int, 2)
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.RunDue(ctx, later)
				if err != nil {
					t.Error(err)
				}
				runs[i] = n
			}()
		}
		wg.Wait()
		var keysAfter int
		if err := e.DB.Read.NewRaw(leadRuns).Scan(ctx, &keysAfter); err != nil {
			t.Fatal(err)
		}
		// Each tick also runs the day's customer scoring once: the two
		// instances together did every run once, the lead return among them.
		if keysAfter-keysBefore != 1 || runs[0]+runs[1] != 2 {
			t.Fatalf("concurrent runs: %v, lead-return runs %d", runs, keysAfter-keysBefore)
		}
		want := []string{stale, fresh, never}
		slices.Sort(want)
		if got := plPoolLeads(t, admin, pid); !slices.Equal(got, want) {
			t.Fatalf("after day 8: %v, want %v", got, want)
		}
		for _, id := range []string{fresh, never} {
			if ev := plEvents(t, admin, id); len(ev) != 1 {
				t.Fatalf("lead %s returned %d times: %v", id, len(ev), ev)
			}
		}
		for _, id := range []string{other, mine} {
			if l := admin.Do("GET", "/api/v1/leads/"+id, nil).Want(200).Map(); l["pool_id"] != nil {
				t.Fatalf("lead %s returned: %v", id, l)
			}
		}
		var keys int
		if err := e.DB.Read.NewSelect().Table("job_runs").ColumnExpr("COUNT(*)").Where("key LIKE ?", "lead-return:"+pid+":%").Scan(ctx, &keys); err != nil || keys != 2 {
			t.Fatalf("job_runs: %d %v", keys, err)
		}
		_ = url.QueryEscape
	})
}
