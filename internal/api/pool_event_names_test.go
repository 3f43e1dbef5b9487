package api_test

import (
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// TestLeadPoolEventNames: a lead's pool events name who acted, whose the
// lead was or became, and the pool, for the history a person reads.
func TestLeadPoolEventNames(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		mgr, rep := e.Demo("east1.manager@demo.local"), e.Demo("east1.rep1@demo.local")
		mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "名字公海", "department_id": deps["上海一组"],
			"member_ids": []string{users["east1.rep1@demo.local"]}}).Want(201)
		l := newLead(t, rep, map[string]any{"contact_name": "名字测试"})
		rep.Do("POST", "/api/v1/leads/"+l["id"].(string)+"/return", map[string]any{"reason": "预算冻结"}).Want(200)
		var page struct{ Items []map[string]any }
		mgr.Do("GET", "/api/v1/leads/"+l["id"].(string)+"/pool-events", nil).Want(200).JSON(&page)
		self := me(t, rep)
		if len(page.Items) != 1 {
			t.Fatalf("events: %v", page.Items)
		}
		ev := page.Items[0]
		if ev["kind"] != "return" || ev["reason"] != "预算冻结" || ev["actor_name"] != self["name"] || ev["user_name"] != self["name"] ||
			ev["pool_name"] != "名字公海" {
			t.Fatalf("return event: %v", ev)
		}
	})
}

// TestCustomerPoolEventNames: the same names on a customer's pool events.
func TestCustomerPoolEventNames(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		cpOn(t, admin)
		deps, users := plDepts(t, admin), plUsers(t, admin)
		rep := e.Demo("east1.rep1@demo.local")
		admin.Do("POST", "/api/v1/pools", map[string]any{"name": "客户名字公海", "kind": "customer", "department_id": deps["上海一组"],
			"member_ids": []string{users["east1.rep1@demo.local"]}}).Want(201)
		c := newCustomer(t, rep, map[string]any{"name": "名字测试客户有限公司"})
		rep.Do("POST", "/api/v1/customers/"+c["id"].(string)+"/return", map[string]any{"reason": "暂无需求"}).Want(200)
		var page struct{ Items []map[string]any }
		admin.Do("GET", "/api/v1/customers/"+c["id"].(string)+"/pool-events", nil).Want(200).JSON(&page)
		self := me(t, rep)
		if len(page.Items) != 1 {
			t.Fatalf("events: %v", page.Items)
		}
		if ev := page.Items[0]; ev["kind"] != "return" || ev["reason"] != "暂无需求" || ev["actor_name"] != self["name"] ||
			ev["user_name"] != self["name"] || ev["pool_name"] != "客户名字公海" {
			t.Fatalf("return event: %v", ev)
		}
	})
}
