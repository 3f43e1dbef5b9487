package api_test

import (
	"fmt"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// owWork is what one rep owns, each with a call recorded against it.
type owWork struct {
	lead, cust, contact, opp string
	calls                    []string // activity ids on lead, customer, contact, opportunity
}

// owRecords gives owner a lead, a customer with a contact and an
// opportunity, and a call on each (recorded by admin, so the calls are done
// by admin: only the subject's copies put them in the rep's scope).
func owRecords(t *testing.T, admin *apitest.Client, owner, tag string) owWork {
	t.Helper()
	var w owWork
	w.lead = newLead(t, admin, map[string]any{"contact_name": tag + "线索", "owner_id": owner, "allow_duplicate": true})["id"].(string)
	w.cust = admin.Do("POST", "/api/v1/customers", map[string]any{"name": tag + "归属客户有限公司", "owner_id": owner}).Want(201).Map()["id"].(string)
	w.contact = admin.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": w.cust, "name": tag + "联系人"}).Want(201).Map()["id"].(string)
	w.opp = admin.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": w.cust, "name": tag + "商机",
		"amount": map[string]any{"amount": 100000, "currency": "CNY"}, "expected_close": "2030-03-31", "owner_id": owner}).Want(201).Map()["id"].(string)
	for _, s := range [][2]string{{"lead", w.lead}, {"customer", w.cust}, {"contact", w.contact}, {"opportunity", w.opp}} {
		w.calls = append(w.calls, admin.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": s[0],
			"subject_id": s[1], "title": tag + s[0] + "电话"}).Want(201).Map()["id"].(string))
	}
	return w
}

// owSees asserts whether c sees each of paths (200) or not (404).
func owSees(t *testing.T, who string, c *apitest.Client, sees bool, paths ...string) {
	t.Helper()
	want := 404
	if sees {
		want = 200
	}
	for _, p := range paths {
		if got := c.Do("GET", p, nil).Status; got != want {
			t.Errorf("%s GET %s: %d, want %d", who, p, got, want)
		}
	}
}

func (w owWork) paths() []string {
	out := []string{"/api/v1/leads/" + w.lead, "/api/v1/customers/" + w.cust, "/api/v1/contacts/" + w.contact,
		"/api/v1/opportunities/" + w.opp}
	for _, a := range w.calls {
		out = append(out, "/api/v1/activities/"+a)
	}
	return out
}

// A rep moved to another team takes their records' department copies
// along: the old manager stops seeing their leads, customers, contacts,
// opportunities and the activities on them, the new manager starts, in
// the same request as the move.
func TestUserMoveTakesOwnedRecordsAlong(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		users, deps := plUsers(t, admin), plDepts(t, admin)
		rep := users["east1.rep1@demo.local"]
		w := owRecords(t, admin, rep, "调岗")
		other := owRecords(t, admin, users["east1.rep2@demo.local"], "留守")
		oldMgr, newMgr := e.Demo("east1.manager@demo.local"), e.Demo("south2.manager@demo.local")
		owSees(t, "old manager before", oldMgr, true, w.paths()...)
		owSees(t, "new manager before", newMgr, false, w.paths()...)

		before := admin.Do("GET", "/api/v1/leads/"+w.lead, nil).Want(200).Map()["version"]
		u := admin.Do("GET", "/api/v1/users/"+rep, nil).Want(200).Map()
		admin.Do("PATCH", "/api/v1/users/"+rep, map[string]any{"department_id": deps["深圳二组"]},
			"If-Match", fmt.Sprintf(`"%v"`, u["version"])).Want(200)

		owSees(t, "old manager after", oldMgr, false, w.paths()...)
		owSees(t, "new manager after", newMgr, true, w.paths()...)
		// Only the mover's records moved.
		owSees(t, "old manager, colleague's", oldMgr, true, other.paths()...)
		owSees(t, "new manager, colleague's", newMgr, false, other.paths()...)
		l := admin.Do("GET", "/api/v1/leads/"+w.lead, nil).Want(200).Map()
		if l["department_id"] != deps["深圳二组"] || l["version"] != before { // a copy, not an edit: same version
			t.Errorf("lead after the move: department %v version %v", l["department_id"], l["version"])
		}
		// The rep still sees all of it (their own), and the lists agree with the gets.
		owSees(t, "rep", e.Demo("east1.rep1@demo.local"), true, w.paths()...)
		if ids := leadIDs(t, newMgr, "q=调岗"); len(ids) != 1 || ids[0] != w.lead {
			t.Errorf("new manager's lead list: %v", ids)
		}
		if ids := leadIDs(t, oldMgr, "q=调岗"); len(ids) != 0 {
			t.Errorf("old manager's lead list: %v", ids)
		}

		// Out of any department: the department managers see none of it.
		u = admin.Do("GET", "/api/v1/users/"+rep, nil).Want(200).Map()
		admin.Do("PATCH", "/api/v1/users/"+rep, map[string]any{"department_id": ""},
			"If-Match", fmt.Sprintf(`"%v"`, u["version"])).Want(200)
		owSees(t, "new manager, rep without department", newMgr, false, w.paths()...)
		owSees(t, "director", e.Demo("director@demo.local"), true, w.paths()...)
	})
}

// Reassigning a record, however it is done, takes the activities on it
// along: the new owner's manager sees them, the old owner's does not.
func TestReassignTakesActivitiesAlong(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		users := plUsers(t, admin)
		from, to := users["east1.rep1@demo.local"], users["south1.rep1@demo.local"]
		oldMgr, newMgr := e.Demo("east1.manager@demo.local"), e.Demo("south1.manager@demo.local")
		version := func(path string) string {
			return fmt.Sprintf(`"%v"`, admin.Do("GET", path, nil).Want(200).Map()["version"])
		}
		for _, how := range []string{"lead assign", "customer patch", "opportunity patch"} {
			t.Run(how, func(t *testing.T) {
				w := owRecords(t, admin, from, how)
				var moved []string // the activities that must follow
				switch how {
				case "lead assign":
					admin.Do("POST", "/api/v1/leads/"+w.lead+"/assign", map[string]any{"owner_id": to, "reason": "调整"}).Want(200)
					moved = w.calls[:1]
				case "customer patch": // the contact follows its customer, and the activities on both
					admin.Do("PATCH", "/api/v1/customers/"+w.cust, map[string]any{"owner_id": to}, "If-Match", version("/api/v1/customers/"+w.cust)).Want(200)
					moved = w.calls[1:3]
				case "opportunity patch":
					admin.Do("PATCH", "/api/v1/opportunities/"+w.opp, map[string]any{"owner_id": to}, "If-Match", version("/api/v1/opportunities/"+w.opp)).Want(200)
					moved = w.calls[3:]
				}
				for _, a := range w.calls {
					isMoved := false
					for _, m := range moved {
						isMoved = isMoved || m == a
					}
					owSees(t, "new manager", newMgr, isMoved, "/api/v1/activities/"+a)
					owSees(t, "old manager", oldMgr, !isMoved, "/api/v1/activities/"+a)
				}
				// The new owner (a rep: their scope is what they own) sees
				// them too, in the subject's timeline as well.
				newRep := e.Demo("south1.rep1@demo.local")
				for _, a := range moved {
					owSees(t, "new owner", newRep, true, "/api/v1/activities/"+a)
				}
				var page struct{ Items []map[string]any }
				newRep.Do("GET", "/api/v1/activities?subject_type=opportunity&subject_id="+w.opp, nil).Want(200).JSON(&page)
				if want := map[bool]int{true: 1, false: 0}[how == "opportunity patch"]; len(page.Items) != want {
					t.Errorf("new owner's opportunity timeline: %d activities, want %d", len(page.Items), want)
				}
			})
		}
	})
}
