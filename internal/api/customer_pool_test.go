package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/jobs"
)

// cpOn switches customer pools on for the demo tenant.
func cpOn(t *testing.T, admin *apitest.Client) {
	t.Helper()
	if s := admin.Do("PATCH", "/api/v1/settings/customer-pools", map[string]any{"enabled": true}).Want(200).Map(); s["enabled"] != true {
		t.Fatalf("setting: %v", s)
	}
}

// cpPooled makes n customers in a customer pool: created by c for owner
// (empty: c) and returned.
func cpPooled(t *testing.T, c *apitest.Client, owner, poolID string, n int) []string {
	t.Helper()
	var out []string
	for i := 0; i < n; i++ {
		body := map[string]any{"name": fmt.Sprintf("公海公司%d", i), "allow_duplicate": true}
		if owner != "" {
			body["owner_id"] = owner
		}
		id := newCustomer(t, c, body)["id"].(string)
		r := c.Do("POST", "/api/v1/customers/"+id+"/return", map[string]any{"reason": "放回公海"}).Want(200).Map()
		if r["pool_id"] != poolID || r["owner_id"] != nil {
			t.Fatalf("returned customer: %v, want pool %s", r, poolID)
		}
		out = append(out, id)
	}
	return out
}

// cpEvents lists a customer's pool events as "kind:user:reason", newest first.
func cpEvents(t *testing.T, c *apitest.Client, id string) []string {
	t.Helper()
	var page struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/customers/"+id+"/pool-events", nil).Want(200).JSON(&page)
	var out []string
	for _, e := range page.Items {
		out = append(out, fmt.Sprintf("%v:%v:%v", e["kind"], e["user_id"], e["reason"]))
	}
	return out
}

// cpPoolCustomers lists the ids in a customer pool, sorted, checking that
// the list leaves out contact details.
func cpPoolCustomers(t *testing.T, c *apitest.Client, poolID string) []string {
	t.Helper()
	var page struct{ Items []map[string]any }
	r := c.Do("GET", "/api/v1/pools/"+poolID+"/customers?limit=500", nil).Want(200)
	r.JSON(&page)
	out := []string{}
	for _, x := range page.Items {
		if _, ok := x["phone"]; ok {
			t.Fatalf("pool list shows contact details: %s", r.Body)
		}
		out = append(out, x["id"].(string))
	}
	slices.Sort(out)
	return out
}

// cpAuditMoves lists a customer's audit entries that change its pool, as
// "actor:changes", newest first.
func cpAuditMoves(t *testing.T, c *apitest.Client, id string) []string {
	t.Helper()
	var found struct {
		Items []struct {
			ActorID string `json:"actor_id"`
			Changes []struct{ Field, Old, New any }
		}
	}
	c.Do("GET", "/api/v1/audit?object_type=customer&object_id="+id, nil).Want(200).JSON(&found)
	var out []string
	for _, x := range found.Items {
		if ch := fmt.Sprint(x.Changes); strings.Contains(ch, "{pool_id ") {
			out = append(out, x.ActorID+":"+ch)
		}
	}
	return out
}

func TestCustomerPoolSetting(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		mgr, rep := e.Demo("east1.manager@demo.local"), e.Demo("east1.rep1@demo.local")
		if s := rep.Do("GET", "/api/v1/settings/customer-pools", nil).Want(200).Map(); s["enabled"] != false {
			t.Fatalf("default setting: %v", s)
		}
		// Off: no customer pool, no claim, no return; lead pools work as before.
		r := mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "客户公海", "kind": "customer", "department_id": deps["上海一组"],
			"member_ids": []string{users["east1.rep1@demo.local"]}}).Want(409)
		if p := r.Problem(); !strings.Contains(p.Detail, "customer_pools_enabled") {
			t.Fatalf("create while off: %s", r.Body)
		}
		lp := mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "线索公海", "department_id": deps["上海一组"]}).Want(201).Map()
		if lp["kind"] != "lead" {
			t.Fatalf("default kind: %v", lp)
		}
		c := newCustomer(t, rep, map[string]any{"name": "开关测试公司"})["id"].(string)
		for _, path := range []string{"/claim", "/return"} {
			r := rep.Do("POST", "/api/v1/customers/"+c+path, map[string]any{"reason": "试试"}).Want(409)
			if p := r.Problem(); !strings.Contains(p.Detail, "customer_pools_enabled") {
				t.Fatalf("%s while off: %s", path, r.Body)
			}
		}
		// Out of scope stays not found, whatever the setting.
		e.Demo("east2.rep1@demo.local").Do("POST", "/api/v1/customers/"+c+"/claim", nil).Want(404)
		// Only pool.manage switches it; the body must say on or off.
		rep.Do("PATCH", "/api/v1/settings/customer-pools", map[string]any{"enabled": true}).Want(403)
		if p := admin.Do("PATCH", "/api/v1/settings/customer-pools", map[string]any{}).Want(422).Problem(); !p.Names("body.enabled") {
			t.Fatalf("empty patch: %+v", p)
		}
		cpOn(t, mgr)
		cpOn(t, mgr) // unchanged: no second audit entry
		var found struct {
			Items []struct {
				ActorID string `json:"actor_id"`
				Changes []struct{ Field, Old, New any }
			}
		}
		admin.Do("GET", "/api/v1/audit?object_type=tenant&actor="+users["east1.manager@demo.local"], nil).Want(200).JSON(&found)
		if len(found.Items) != 1 || fmt.Sprint(found.Items[0].Changes) != "[{customer_pools_enabled false true}]" {
			t.Fatalf("audit of the setting: %+v", found.Items)
		}
		cp := mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "客户公海", "kind": "customer", "department_id": deps["上海一组"],
			"member_ids": []string{users["east1.rep1@demo.local"]}}).Want(201).Map()
		var pools struct{ Items []map[string]any }
		mgr.Do("GET", "/api/v1/pools?kind=customer", nil).Want(200).JSON(&pools)
		if len(pools.Items) != 1 || pools.Items[0]["id"] != cp["id"] {
			t.Fatalf("customer pools: %v", pools.Items)
		}
		// A lead goes to the lead pool, a customer to the customer pool.
		l := newLead(t, rep, map[string]any{"contact_name": "线索甲"})["id"].(string)
		if r := rep.Do("POST", "/api/v1/leads/"+l+"/return", map[string]any{"reason": "无意向"}).Want(200).Map(); r["pool_id"] != lp["id"] {
			t.Fatalf("lead returned to %v, want lead pool %v", r["pool_id"], lp["id"])
		}
		if r := rep.Do("POST", "/api/v1/customers/"+c+"/return", map[string]any{"reason": "无意向"}).Want(200).Map(); r["pool_id"] != cp["id"] {
			t.Fatalf("customer returned to %v, want customer pool %v", r["pool_id"], cp["id"])
		}
		// Off again: pooled customers stay where they are, claims are refused.
		admin.Do("PATCH", "/api/v1/settings/customer-pools", map[string]any{"enabled": false}).Want(200)
		rep.Do("POST", "/api/v1/customers/"+c+"/claim", nil).Want(409)
		if ids := cpPoolCustomers(t, rep, cp["id"].(string)); !slices.Equal(ids, []string{c}) {
			t.Fatalf("pool after switching off: %v", ids)
		}
		// Another tenant has its own setting, off.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "o@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("o@other.test", "outsider password")
		admin.Do("PATCH", "/api/v1/settings/customer-pools", map[string]any{"enabled": true}).Want(200)
		if s := other.Do("GET", "/api/v1/settings/customer-pools", nil).Want(200).Map(); s["enabled"] != false {
			t.Fatalf("other tenant's setting: %v", s)
		}
		other.Do("POST", "/api/v1/customers/"+c+"/claim", nil).Want(404)
	})
}

func TestCustomerPoolClaimAndReturn(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		mgr := e.Demo("east1.manager@demo.local")
		rep1, rep2, rep3 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local"), e.Demo("east1.rep3@demo.local")
		cpOn(t, admin)
		first := newCustomer(t, rep1, map[string]any{"name": "周氏贸易", "phone": "13911112222"})["id"].(string)
		contact := newContact(t, rep1, map[string]any{"customer_id": first, "name": "周先生"})["id"].(string)
		// No customer pool yet: returning has nowhere to go.
		rep1.Do("POST", "/api/v1/customers/"+first+"/return", map[string]any{"reason": "无意向"}).Want(409)
		pool := mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "上海一组客户公海", "kind": "customer", "department_id": deps["上海一组"],
			"claim_limit": 2, "reclaim_cooldown_days": 3, "member_ids": []string{users["east1.rep1@demo.local"], users["east1.rep2@demo.local"]}}).Want(201).Map()
		pid := pool["id"].(string)
		if p := rep1.Do("POST", "/api/v1/customers/"+first+"/return", map[string]any{}).Want(422).Problem(); !p.Names("body.reason") {
			t.Fatalf("return without reason: %+v", p)
		}
		// Another rep may not return rep1's customer (not in their scope).
		rep2.Do("POST", "/api/v1/customers/"+first+"/return", map[string]any{"reason": "x"}).Want(404)
		rep1.Do("POST", "/api/v1/customers/"+first+"/return", map[string]any{"reason": "无意向"}).Want(200)
		// Pooled: out of the rep's scope, contacts included.
		rep1.Do("GET", "/api/v1/customers/"+first, nil).Want(404)
		rep1.Do("GET", "/api/v1/contacts/"+contact, nil).Want(404)
		rep1.Do("POST", "/api/v1/customers/"+first+"/return", map[string]any{"reason": "again"}).Want(404)
		got := mgr.Do("GET", "/api/v1/customers/"+first, nil).Want(200).Map()
		if got["pool_id"] != pid || got["owner_id"] != nil || got["department_id"] != deps["上海一组"] {
			t.Fatalf("pooled customer: %v", got)
		}
		if ids := listIDs(t, mgr, "/api/v1/customers?pool_id="+pid); !slices.Equal(ids, []string{first}) {
			t.Fatalf("customers?pool_id: %v", ids)
		}
		if ids := listIDs(t, rep2, "/api/v1/customers?pool_id="+pid); len(ids) != 0 {
			t.Fatalf("a rep's customer list shows pooled customers: %v", ids)
		}
		// Members see the pool's customers (without phone); others do not.
		if ids := cpPoolCustomers(t, rep2, pid); !slices.Equal(ids, []string{first}) {
			t.Fatalf("pool customers: %v", ids)
		}
		rep3.Do("GET", "/api/v1/pools/"+pid+"/customers", nil).Want(404)
		rep3.Do("POST", "/api/v1/customers/"+first+"/claim", nil).Want(404)
		rep3.Do("GET", "/api/v1/customers/"+first+"/pool-events", nil).Want(404)
		mgr.Do("POST", "/api/v1/customers/"+first+"/claim", nil).Want(403)
		// Cooldown for the rep it came from; rep2 claims it, contacts follow.
		r := rep1.Do("POST", "/api/v1/customers/"+first+"/claim", nil).Want(409)
		if p := r.Problem(); !strings.Contains(p.Detail, "reclaim_cooldown_days") {
			t.Fatalf("cooldown problem: %s", r.Body)
		}
		c := rep2.Do("POST", "/api/v1/customers/"+first+"/claim", nil).Want(200).Map()
		if c["owner_id"] != users["east1.rep2@demo.local"] || c["pool_id"] != nil || c["department_id"] != deps["上海一组"] {
			t.Fatalf("claimed: %v", c)
		}
		if x := rep2.Do("GET", "/api/v1/customers/"+first, nil).Want(200).Map(); x["phone"] != "13911112222" || x["pool_id"] != nil {
			t.Fatalf("claimed customer: %v", x)
		}
		rep2.Do("GET", "/api/v1/contacts/"+contact, nil).Want(200)
		rep2.Do("POST", "/api/v1/customers/"+first+"/claim", nil).Want(409)
		ev := cpEvents(t, rep2, first)
		if len(ev) != 2 || ev[0] != "claim:"+users["east1.rep2@demo.local"]+":" || ev[1] != "return:"+users["east1.rep1@demo.local"]+":无意向" {
			t.Fatalf("pool events: %v", ev)
		}
		// The claim limit counts the customers rep2 owns: 1 now, so 1 more.
		more := cpPooled(t, mgr, "", pid, 3)
		rep2.Do("POST", "/api/v1/customers/"+more[0]+"/claim", nil).Want(200)
		r = rep2.Do("POST", "/api/v1/customers/"+more[1]+"/claim", nil).Want(409)
		if p := r.Problem(); !strings.Contains(p.Detail, "claim_limit") {
			t.Fatalf("limit problem: %s", r.Body)
		}
		// A manager hands a pooled customer out by editing its owner: out of the pool, recorded.
		v := mgr.Do("GET", "/api/v1/customers/"+more[1], nil).Want(200).Map()["version"]
		h := mgr.Do("PATCH", "/api/v1/customers/"+more[1], map[string]any{"owner_id": users["east1.rep3@demo.local"]},
			"If-Match", fmt.Sprintf(`"%v"`, v)).Want(200).Map()
		if h["pool_id"] != nil || h["owner_id"] != users["east1.rep3@demo.local"] {
			t.Fatalf("handed out: %v", h)
		}
		if ev := cpEvents(t, mgr, more[1]); len(ev) != 2 || ev[0] != "assign:"+users["east1.rep3@demo.local"]+":" {
			t.Fatalf("events of the hand-out: %v", ev)
		}
		// A manager with pool.manage may return a rep's customer.
		mgr.Do("POST", "/api/v1/customers/"+more[1]+"/return", map[string]any{"reason": "重新分配"}).Want(200)
		// A switched-off pool cannot be claimed from; a pool with customers cannot be deleted.
		mgr.Do("PATCH", "/api/v1/pools/"+pid, map[string]any{"enabled": false, "claim_limit": 0}, "If-Match", `"1"`).Want(200)
		rep1.Do("POST", "/api/v1/customers/"+more[2]+"/claim", nil).Want(409)
		if r := mgr.Do("DELETE", "/api/v1/pools/"+pid, nil, "If-Match", `"2"`).Want(409); !strings.Contains(r.Problem().Detail, "customers") {
			t.Fatalf("delete: %s", r.Body)
		}
		// The moves are in the customer's audit trail.
		if moves := cpAuditMoves(t, admin, first); len(moves) != 2 ||
			moves[0] != users["east1.rep2@demo.local"]+":[{owner_id <nil> "+users["east1.rep2@demo.local"]+"} {pool_id "+pid+" <nil>}]" ||
			moves[1] != users["east1.rep1@demo.local"]+":[{owner_id "+users["east1.rep1@demo.local"]+" <nil>} {pool_id <nil> "+pid+"}]" {
			t.Fatalf("customer audit: %v", moves)
		}
		// Another tenant cannot see or claim anything.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "o@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("o@other.test", "outsider password")
		cpOn(t, other)
		other.Do("GET", "/api/v1/pools/"+pid+"/customers", nil).Want(404)
		other.Do("POST", "/api/v1/customers/"+more[2]+"/claim", nil).Want(404)
		other.Do("GET", "/api/v1/customers/"+more[2]+"/pool-events", nil).Want(404)
	})
}

// TestCustomerPoolConcurrentClaims: eight claims of one customer at once →
// exactly one wins; a rep firing 2L claims at once under limit L ends with L.
func TestCustomerPoolConcurrentClaims(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		cpOn(t, admin)
		emails := []string{"east1.rep1", "east1.rep2", "east1.rep3", "east1.manager", "east2.rep1", "east2.rep2", "east2.rep3", "east2.manager"}
		var members []string
		var clients []*apitest.Client
		for _, m := range emails {
			members = append(members, users[m+"@demo.local"])
			clients = append(clients, e.Demo(m+"@demo.local"))
		}
		const limit = 3
		pool := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "客户抢单池", "kind": "customer", "department_id": deps["上海一组"],
			"claim_limit": limit, "member_ids": members}).Want(201).Map()
		pid := pool["id"].(string)
		cs := cpPooled(t, admin, users["east1.manager@demo.local"], pid, 1+2*limit)

		statuses := make([]int, len(clients))
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = c.Do("POST", "/api/v1/customers/"+cs[0]+"/claim", nil).Status
			}()
		}
		wg.Wait()
		if count(statuses, 200) != 1 || count(statuses, 409) != len(clients)-1 {
			t.Fatalf("one customer, %d claimers: statuses %v", len(clients), statuses)
		}
		if ev := cpEvents(t, admin, cs[0]); len(ev) != 2 || !strings.HasPrefix(ev[0], "claim:") {
			t.Fatalf("events after the race: %v", ev)
		}
		winner := admin.Do("GET", "/api/v1/customers/"+cs[0], nil).Want(200).Map()["owner_id"]
		var rep *apitest.Client
		var repID string
		for i, c := range clients[:3] {
			if members[i] != winner {
				rep, repID = c, members[i]
				break
			}
		}
		rest := cs[1:]
		statuses = make([]int, len(rest))
		for i, id := range rest {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = rep.Do("POST", "/api/v1/customers/"+id+"/claim", nil).Status
			}()
		}
		wg.Wait()
		if count(statuses, 200) != limit || count(statuses, 409) != len(rest)-limit {
			t.Fatalf("%d claims under limit %d: statuses %v", len(rest), limit, statuses)
		}
		if ids := listIDs(t, admin, "/api/v1/customers?limit=500&owner_id="+repID); len(ids) != limit {
			t.Fatalf("rep owns %d customers, limit %d", len(ids), limit)
		}
		if n := len(cpPoolCustomers(t, admin, pid)); n != len(rest)-limit {
			t.Fatalf("pool keeps %d customers, want %d", n, len(rest)-limit)
		}
	})
}

func TestCustomerPoolAutoReturnJob(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps := plDepts(t, admin)
		rep := e.Demo("east1.rep1@demo.local")
		cpOn(t, admin)
		pool := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "客户自动回收", "kind": "customer", "department_id": deps["上海一组"],
			"return_after_days_no_follow_up": 7, "return_after_days_no_conversion": 30}).Want(201).Map()
		pid := pool["id"].(string)
		now := time.Now().UTC()
		ctx := context.Background()
		stale := newCustomer(t, rep, map[string]any{"name": "久未跟进公司"})["id"].(string)
		fresh := newCustomer(t, rep, map[string]any{"name": "刚跟进公司"})["id"].(string)
		contact := newContact(t, rep, map[string]any{"customer_id": stale, "name": "联系人甲"})["id"].(string)
		other := newCustomer(t, e.Demo("east2.rep1@demo.local"), map[string]any{"name": "别组公司"})["id"].(string)
		mine := newCustomer(t, e.Demo("east1.manager@demo.local"), map[string]any{"name": "经理公司"})["id"].(string)
		// fresh was followed up five days from now: not due on day 8.
		if _, err := e.DB.Write.NewUpdate().Table("customers").Set("last_activity_at = ?", now.AddDate(0, 0, 5)).
			Where("id = ?", fresh).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		keys := func() int {
			t.Helper()
			n, err := e.DB.Read.NewSelect().Table("job_runs").Where("key LIKE ?", "customer-return:"+pid+":%").Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		later := now.AddDate(0, 0, 8)
		// While the setting is off the job leaves customers alone.
		admin.Do("PATCH", "/api/v1/settings/customer-pools", map[string]any{"enabled": false}).Want(200)
		if _, err := s.RunDue(ctx, later); err != nil {
			t.Fatal(err)
		}
		if ids := cpPoolCustomers(t, admin, pid); len(ids) != 0 || keys() != 0 {
			t.Fatalf("returned while off: %v, %d run keys", ids, keys())
		}
		cpOn(t, admin)
		// Two instances at once on day 8, then once more: one run, one return.
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.RunDue(ctx, later); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if _, err := s.RunDue(ctx, later); err != nil {
			t.Fatal(err)
		}
		if got := cpPoolCustomers(t, admin, pid); !slices.Equal(got, []string{stale}) {
			t.Fatalf("returned %v, want %v (not the fresh one, the manager's or another team's)", got, []string{stale})
		}
		if n := keys(); n != 1 {
			t.Fatalf("run keys: %d", n)
		}
		if ev := cpEvents(t, admin, stale); len(ev) != 1 || !strings.HasPrefix(ev[0], "auto_return:") {
			t.Fatalf("events: %v", ev)
		}
		if moves := cpAuditMoves(t, admin, stale); len(moves) != 1 || !strings.HasPrefix(moves[0], "system:[{owner_id ") {
			t.Fatalf("audit of the return: %v", moves)
		}
		// The contact went along: out of the rep's scope.
		rep.Do("GET", "/api/v1/contacts/"+contact, nil).Want(404)
		// Day 32: the no-won-deal clock returns fresh too, in a new run.
		if _, err := s.RunDue(ctx, now.AddDate(0, 0, 32)); err != nil {
			t.Fatal(err)
		}
		want := []string{stale, fresh}
		slices.Sort(want)
		if got := cpPoolCustomers(t, admin, pid); !slices.Equal(got, want) || keys() != 2 {
			t.Fatalf("after day 32: %v (want %v), %d run keys", got, want, keys())
		}
		for _, id := range []string{other, mine} {
			if c := admin.Do("GET", "/api/v1/customers/"+id, nil).Want(200).Map(); c["pool_id"] != nil {
				t.Fatalf("customer %s returned: %v", id, c)
			}
		}
	})
}
