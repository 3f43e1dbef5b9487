package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/jobs"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// obOwned counts what a user owns, straight from the tables.
func obOwned(t *testing.T, e *apitest.Env, userID string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for table, where := range map[string]string{"leads": "owner_id = ?", "customers": "owner_id = ?", "contacts": "owner_id = ?",
		"opportunities": "owner_id = ?", "activities": "owner_id = ? AND status = 'planned'"} {
		n, err := e.DB.Read.NewSelect().Table(table).Where(where, userID).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = int(n)
	}
	return out
}

// obWork gives a user two leads, a customer with two contacts, an
// opportunity, an open task and a done call.
func obWork(t *testing.T, admin *apitest.Client, owner, tag string) (leads []string, cust, opp, task, call string) {
	t.Helper()
	for i := 0; i < 2; i++ {
		leads = append(leads, newLead(t, admin, map[string]any{"contact_name": tag + "线索", "owner_id": owner, "allow_duplicate": true})["id"].(string))
	}
	cust = admin.Do("POST", "/api/v1/customers", map[string]any{"name": tag + "交接客户有限公司", "owner_id": owner}).Want(201).Map()["id"].(string)
	for _, n := range []string{"甲", "乙"} {
		admin.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": cust, "name": tag + n}).Want(201)
	}
	opp = admin.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cust, "name": tag + "商机",
		"amount": map[string]any{"amount": 500000, "currency": "CNY"}, "expected_close": "2030-03-31", "owner_id": owner}).Want(201).Map()["id"].(string)
	task = admin.Do("POST", "/api/v1/activities", map[string]any{"kind": "task", "subject_type": "customer", "subject_id": cust,
		"title": tag + "回访", "due_at": "2030-01-01T00:00:00Z", "owner_id": owner}).Want(201).Map()["id"].(string)
	call = admin.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "customer", "subject_id": cust,
		"title": tag + "电话", "owner_id": owner}).Want(201).Map()["id"].(string)
	return
}

func TestOffboardUser(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		leaving := e.Demo("east1.rep1@demo.local")
		users, deps := plUsers(t, admin), plDepts(t, admin)
		from, to := users["east1.rep1@demo.local"], users["south1.rep1@demo.local"]
		had := obOwned(t, e, from)
		leads, cust, opp, task, call := obWork(t, admin, from, "离职")
		eastMgr, southMgr := e.Demo("east1.manager@demo.local"), e.Demo("south1.manager@demo.local")
		eastMgr.Do("GET", "/api/v1/leads/"+leads[0], nil).Want(200)
		southMgr.Do("GET", "/api/v1/leads/"+leads[0], nil).Want(404)

		// Refusals change nothing.
		path := "/api/v1/users/" + from + "/offboard"
		before := auditCount(t, e)
		admin.Do("POST", path, map[string]any{}).Want(422)
		admin.Do("POST", path, map[string]any{"successor_id": from}).Want(422).Problem().Names("body.successor_id")
		admin.Do("POST", path, map[string]any{"successor_id": "00000000-0000-7000-8000-000000000000"}).Want(422).Problem().Names("body.successor_id")
		admin.Do("POST", "/api/v1/users/"+me(t, admin)["id"].(string)+"/offboard", map[string]any{"successor_id": to}).Want(422)
		eastMgr.Do("POST", path, map[string]any{"successor_id": to}).Want(403)
		if auditCount(t, e) != before {
			t.Fatal("a refused offboarding wrote")
		}

		r := admin.Do("POST", path, map[string]any{"successor_id": to}).Want(200).Map()
		want := map[string]float64{"leads": float64(had["leads"] + 2), "customers": float64(had["customers"] + 1),
			"contacts": float64(had["contacts"] + 2), "opportunities": float64(had["opportunities"] + 1), "activities": float64(had["activities"] + 1)}
		for k, v := range want {
			if r[k] != v {
				t.Fatalf("counts: %v, want %v", r, want)
			}
		}
		if left := obOwned(t, e, from); left["leads"]+left["customers"]+left["contacts"]+left["opportunities"]+left["activities"] != 0 {
			t.Fatalf("still owned: %v", left)
		}
		// Every record is the successor's, in the successor's department.
		l := admin.Do("GET", "/api/v1/leads/"+leads[1], nil).Want(200).Map()
		c := admin.Do("GET", "/api/v1/customers/"+cust, nil).Want(200).Map()
		o := admin.Do("GET", "/api/v1/opportunities/"+opp, nil).Want(200).Map()
		for what, rec := range map[string]map[string]any{"lead": l, "customer": c, "opportunity": o} {
			if rec["owner_id"] != to || rec["department_id"] != deps["广州一组"] {
				t.Fatalf("%s: %v", what, rec)
			}
		}
		if a := admin.Do("GET", "/api/v1/activities/"+task, nil).Want(200).Map(); a["owner_id"] != to {
			t.Fatalf("task: %v", a)
		}
		if a := admin.Do("GET", "/api/v1/activities/"+call, nil).Want(200).Map(); a["owner_id"] != from {
			t.Fatalf("a done call keeps who made it: %v", a)
		}
		n, err := e.DB.Read.NewSelect().Table("contacts").Where("customer_id = ? AND owner_id = ? AND department_id = ?", cust, to, deps["广州一组"]).
			Count(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("contacts moved: %d %v", n, err)
		}
		// Each move is in the history.
		for _, h := range []string{"/api/v1/leads/" + leads[0], "/api/v1/customers/" + cust, "/api/v1/opportunities/" + opp, "/api/v1/activities/" + task} {
			var hist struct{ Items []map[string]any }
			admin.Do("GET", h+"/history", nil).Want(200).JSON(&hist)
			ch := hist.Items[0]["changes"].([]any)[0].(map[string]any)
			if hist.Items[0]["action"] != "update" || ch["field"] != "owner_id" || ch["old"] != from || ch["new"] != to {
				t.Fatalf("%s history: %v", h, hist.Items[0])
			}
		}
		if ev := plEvents(t, admin, leads[0]); ev[0] != "assign:"+to+":离职交接" {
			t.Fatalf("pool events: %v", ev)
		}
		// Scopes follow: the old department no longer sees the work; the new one does.
		eastMgr.Do("GET", "/api/v1/leads/"+leads[0], nil).Want(404)
		eastMgr.Do("GET", "/api/v1/customers/"+cust, nil).Want(404)
		southMgr.Do("GET", "/api/v1/leads/"+leads[0], nil).Want(200)
		southMgr.Do("GET", "/api/v1/activities/"+task, nil).Want(200)
		eastMgr.Do("GET", "/api/v1/activities/"+task, nil).Want(404) // the task's copy of its customer's department moved too
		e.Demo("south1.rep1@demo.local").Do("GET", "/api/v1/customers/"+cust, nil).Want(200)
		// The user is disabled and signed out.
		if u := admin.Do("GET", "/api/v1/users/"+from, nil).Want(200).Map(); u["status"] != "disabled" {
			t.Fatalf("user: %v", u)
		}
		leaving.Do("GET", "/api/v1/me", nil).Want(401)
		// A disabled user cannot take over.
		admin.Do("POST", "/api/v1/users/"+users["east1.rep2@demo.local"]+"/offboard", map[string]any{"successor_id": from}).
			Want(422).Problem().Names("body.successor_id")
		// Another tenant's admin cannot offboard, nor be a successor.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "o@other.test",
			"password": "outsider password"}).Want(201)
		other := e.Login("o@other.test", "outsider password")
		other.Do("POST", "/api/v1/users/"+users["east1.rep2@demo.local"]+"/offboard", map[string]any{"successor_id": to}).Want(404)
		otherID := me(t, other)["id"].(string)
		admin.Do("POST", "/api/v1/users/"+users["east1.rep2@demo.local"]+"/offboard", map[string]any{"successor_id": otherID}).Want(422)
		// Taken back on, the old owner's own scope holds none of the handed-over work.
		u := admin.Do("GET", "/api/v1/users/"+from, nil).Want(200).Map()
		admin.Do("PATCH", "/api/v1/users/"+from, map[string]any{"status": "active"}, "If-Match", fmt.Sprintf(`"%v"`, u["version"])).Want(200)
		back := e.Demo("east1.rep1@demo.local")
		for _, p := range []string{"/api/v1/leads/" + leads[0], "/api/v1/customers/" + cust, "/api/v1/opportunities/" + opp, "/api/v1/activities/" + task} {
			back.Do("GET", p, nil).Want(404)
		}
		var ownLeads struct{ Items []map[string]any }
		back.Do("GET", "/api/v1/leads?limit=200", nil).Want(200).JSON(&ownLeads)
		if len(ownLeads.Items) != 0 {
			t.Fatalf("the old owner still sees %d leads", len(ownLeads.Items))
		}
	})
}

// TestOffboardIsAtomic: a failure at the last step (disabling the user,
// made to fail by a trigger) leaves every record where it was.
func TestOffboardIsAtomic(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		users := plUsers(t, admin)
		from, to := users["east1.rep3@demo.local"], users["east1.rep2@demo.local"]
		obWork(t, admin, from, "原子")
		had := obOwned(t, e, from)
		ctx := context.Background()
		stmts := []string{`CREATE TRIGGER offboard_boom BEFORE UPDATE OF status ON users
			WHEN NEW.status = 'disabled' BEGIN SELECT RAISE(ABORT, 'boom'); END`}
		if e.DB.Dialect == db.Postgres {
			stmts = []string{`CREATE FUNCTION offboard_boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE plpgsql`,
				`CREATE TRIGGER offboard_boom BEFORE UPDATE OF status ON users FOR EACH ROW
				WHEN (NEW.status = 'disabled') EXECUTE FUNCTION offboard_boom()`}
		}
		for _, s := range stmts {
			if _, err := e.DB.Write.ExecContext(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		before := auditCount(t, e)
		admin.Do("POST", "/api/v1/users/"+from+"/offboard", map[string]any{"successor_id": to}).Want(500)
		if after := obOwned(t, e, from); after["leads"] != had["leads"] || after["customers"] != had["customers"] ||
			after["contacts"] != had["contacts"] || after["opportunities"] != had["opportunities"] || after["activities"] != had["activities"] {
			t.Fatalf("partial offboarding: had %v, now %v", had, after)
		}
		if auditCount(t, e) != before {
			t.Fatal("a failed offboarding left audit entries")
		}
		if u := admin.Do("GET", "/api/v1/users/"+from, nil).Want(200).Map(); u["status"] != "active" {
			t.Fatalf("user: %v", u)
		}
	})
}

// TestOffboardRestartsCustomerPoolClock: a customer handed over at
// offboarding is the successor's for a full pool period (its assigned_at
// restarts, an assign event names the reason), while a customer as idle
// that stayed with its owner is returned by the same run.
func TestOffboardRestartsCustomerPoolClock(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		users, deps := plUsers(t, admin), plDepts(t, admin)
		from, to, stays := users["east1.rep1@demo.local"], users["east1.rep2@demo.local"], users["east1.rep3@demo.local"]
		cpOn(t, admin)
		pid := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "交接回收", "kind": "customer", "department_id": deps["上海一组"],
			"return_after_days_no_follow_up": 7}).Want(201).Map()["id"].(string)
		ctx := context.Background()
		idle := func(owner, name string) string {
			id := newCustomer(t, admin, map[string]any{"name": name, "owner_id": owner})["id"].(string)
			admin.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "customer", "subject_id": id,
				"title": "最后一次电话", "owner_id": owner}).Want(201)
			old := time.Now().UTC().AddDate(0, 0, -30)
			if _, err := e.DB.Write.NewUpdate().Table("customers").Set("created_at = ?, assigned_at = ?, last_activity_at = ?", old, old, old).
				Where("id = ?", id).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			return id
		}
		handed, kept := idle(from, "交接久未跟进公司"), idle(stays, "原主久未跟进公司")
		admin.Do("POST", "/api/v1/users/"+from+"/offboard", map[string]any{"successor_id": to, "reason": "离职交接给张伟"}).Want(200)
		if ev := cpEvents(t, admin, handed); len(ev) != 1 || ev[0] != "assign:"+to+":离职交接给张伟" {
			t.Fatalf("pool events of the handed-over customer: %v", ev)
		}
		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if _, err := s.RunDue(ctx, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if c := admin.Do("GET", "/api/v1/customers/"+handed, nil).Want(200).Map(); c["owner_id"] != to || c["pool_id"] != nil {
			t.Fatalf("the successor lost the customer: %v", c)
		}
		if c := admin.Do("GET", "/api/v1/customers/"+kept, nil).Want(200).Map(); c["pool_id"] != pid {
			t.Fatalf("the idle customer that stayed was not returned: %v", c)
		}
		// Eight days on with no follow-up, the successor's clock has run out too.
		if _, err := s.RunDue(ctx, time.Now().UTC().AddDate(0, 0, 8)); err != nil {
			t.Fatal(err)
		}
		if c := admin.Do("GET", "/api/v1/customers/"+handed, nil).Want(200).Map(); c["pool_id"] != pid {
			t.Fatalf("not returned after the successor's period: %v", c)
		}
	})
}
