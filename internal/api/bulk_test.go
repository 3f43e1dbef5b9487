package api_test

import (
	"fmt"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

func leadOwner(t *testing.T, c *apitest.Client, id string) (owner, poolID any) {
	t.Helper()
	l := c.Do("GET", "/api/v1/leads/"+id, nil).Want(200).Map()
	return l["owner_id"], l["pool_id"]
}

func TestBulkLeadActions(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, mgr := e.Demo("admin@demo.local"), e.Demo("east1.manager@demo.local")
		rep := e.Demo("east1.rep1@demo.local")
		users, deps := plUsers(t, admin), plDepts(t, admin)
		rep1, rep2, south := users["east1.rep1@demo.local"], users["east1.rep2@demo.local"], users["south1.rep1@demo.local"]
		var mine []string
		for i := 0; i < 3; i++ {
			l := newLead(t, admin, map[string]any{"contact_name": "批量" + string(rune('甲'+i)), "owner_id": rep1,
				"source": "批量来源", "allow_duplicate": true})
			mine = append(mine, l["id"].(string))
		}
		far := newLead(t, admin, map[string]any{"contact_name": "华南批量", "owner_id": south, "source": "批量来源"})["id"].(string)

		// Assign by ids: each lead audited and in its pool history.
		before := auditCount(t, e)
		r := mgr.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "assign", "ids": mine[:2], "owner_id": rep2,
			"reason": "调整分工"}).Want(200).Map()
		if r["affected"] != 2.0 || auditCount(t, e) != before+2 {
			t.Fatalf("assign: %v, audit %d → %d", r, before, auditCount(t, e))
		}
		for _, id := range mine[:2] {
			if o, _ := leadOwner(t, admin, id); o != rep2 {
				t.Fatalf("lead %s owner %v", id, o)
			}
			if ev := plEvents(t, admin, id); len(ev) == 0 || ev[0] != "assign:"+rep2+":调整分工" {
				t.Fatalf("pool events: %v", ev)
			}
		}
		// Already there: left alone, not counted.
		mgr.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "assign", "ids": mine, "owner_id": rep2,
			"reason": "再调"}).Want(200).JSON(&r)
		if r["affected"] != 1.0 {
			t.Fatalf("re-assign: %v", r)
		}

		// A lead outside the manager's scope: 404 naming it, nothing written.
		before = auditCount(t, e)
		p := mgr.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "assign", "ids": []string{mine[0], far}, "owner_id": rep1,
			"reason": "x"}).Want(404).Problem()
		if !p.Names("body.ids[1]") || auditCount(t, e) != before {
			t.Fatalf("out of scope: %+v", p)
		}
		if o, _ := leadOwner(t, admin, mine[0]); o != rep2 {
			t.Fatalf("partial write: owner %v", o)
		}
		// Bad bodies.
		for _, body := range []map[string]any{
			{"action": "assign", "ids": mine, "reason": "x"},                            // no owner
			{"action": "assign", "ids": mine, "owner_id": rep1},                         // no reason
			{"action": "assign", "ids": []string{"x"}, "owner_id": rep1, "reason": "x"}, // not an id
			{"action": "move_to_pool", "ids": mine, "reason": "x"},                      // no pool
			{"action": "delete"}, // neither ids nor filter
			{"action": "delete", "ids": mine, "filter": map[string]any{}}, // both
			{"action": "explode", "ids": mine},
		} {
			mgr.Do("POST", "/api/v1/leads/bulk", body).Want(422)
		}
		if p := mgr.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "assign", "ids": mine, "owner_id": south,
			"reason": "x"}).Want(422).Problem(); !p.Names("body.owner_id") {
			t.Fatalf("owner out of scope: %+v", p)
		}
		many := make([]string, 5001)
		for i := range many {
			many[i] = fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
		}
		mgr.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "delete", "ids": many}).Want(422)
		// A rep may not assign or move, only delete their own.
		rep.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "assign", "ids": mine, "owner_id": rep1, "reason": "x"}).Want(403)

		// Move to a named pool by filter: only the scope's leads of the filter.
		pl := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "批量公海", "department_id": deps["上海一组"]}).Want(201).Map()
		r = mgr.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "move_to_pool", "filter": map[string]any{"source": "批量来源"},
			"pool_id": pl["id"], "reason": "集中跟进"}).Want(200).Map()
		if r["affected"] != 3.0 {
			t.Fatalf("move: %v", r)
		}
		for _, id := range mine {
			if o, pid := leadOwner(t, admin, id); o != nil || pid != pl["id"] {
				t.Fatalf("moved lead %s: owner %v pool %v", id, o, pid)
			}
		}
		if o, _ := leadOwner(t, admin, far); o != south {
			t.Fatalf("filter left its scope: %v", o)
		}
		if ev := plEvents(t, admin, mine[2]); ev[0] != "return:"+rep2+":集中跟进" {
			t.Fatalf("move events: %v", ev)
		}
		// Another department's pool is not the manager's to fill.
		other := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "华南批量公海", "department_id": deps["广州一组"]}).Want(201).Map()
		mgr.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "move_to_pool", "ids": mine, "pool_id": other["id"],
			"reason": "x"}).Want(422).Problem().Names("body.pool_id")

		// Delete is all or nothing: a converted lead refuses, the others stay.
		conv := newLead(t, rep, map[string]any{"contact_name": "已转化", "company": "批量转化有限公司"})["id"].(string)
		rep.Do("POST", "/api/v1/leads/"+conv+"/convert", map[string]any{"customer": map[string]any{}, "contact": map[string]any{}}).Want(201)
		own := newLead(t, rep, map[string]any{"contact_name": "自己的", "allow_duplicate": true})["id"].(string)
		p = rep.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "delete", "ids": []string{own, conv}}).Want(409).Problem()
		if !p.Names("body.ids[1]") {
			t.Fatalf("converted: %+v", p)
		}
		rep.Do("GET", "/api/v1/leads/"+own, nil).Want(200)
		r = rep.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "delete", "ids": []string{own}}).Want(200).Map()
		if r["affected"] != 1.0 {
			t.Fatalf("delete: %v", r)
		}
		rep.Do("GET", "/api/v1/leads/"+own, nil).Want(404)
		var hist struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/audit?object_type=lead&object_id="+own, nil).Want(200).JSON(&hist)
		if len(hist.Items) != 2 || hist.Items[0]["action"] != "delete" {
			t.Fatalf("delete history: %v", hist.Items)
		}
	})
}
