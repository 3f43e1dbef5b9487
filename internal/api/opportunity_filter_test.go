package api_test

import (
	"slices"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// departmentIDs maps the demo tenant's department names to their ids.
func departmentIDs(t *testing.T, admin *apitest.Client) map[string]string {
	t.Helper()
	var page leadPage
	admin.Do("GET", "/api/v1/departments?limit=100", nil).Want(200).JSON(&page)
	out := map[string]string{}
	for _, d := range page.Items {
		out[d["name"].(string)] = d["id"].(string)
	}
	return out
}

// TestOpportunityTeamFilter: department_id narrows the board to a team and its
// sub-teams, inside (never beyond) the caller's data scope; a bad id is a 422.
func TestOpportunityTeamFilter(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		depts := departmentIDs(t, e.Demo("admin@demo.local"))
		opp := func(email, name string) string {
			c := e.Demo(email)
			cust := newCustomer(t, c, map[string]any{"name": name + "客户"})
			return newOpp(t, c, map[string]any{"customer_id": cust["id"], "name": name, "amount": cny(100)})["id"].(string)
		}
		sh := opp("east1.rep1@demo.local", "上海商机")
		hz := opp("east2.rep1@demo.local", "杭州商机")
		gz := opp("south1.rep1@demo.local", "广州商机")
		sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
		check := func(c *apitest.Client, dept string, want ...string) {
			t.Helper()
			got := listIDs(t, c, "/api/v1/opportunities?limit=100&department_id="+depts[dept])
			if !slices.Equal(got, sorted(want...)) {
				t.Fatalf("department %s: got %v, want %v", dept, got, sorted(want...))
			}
		}

		director := e.Demo("director@demo.local")
		check(director, "上海一组", sh)
		check(director, "杭州二组", hz)
		check(director, "华东大区", sh, hz) // a region covers its teams
		check(director, "华南大区", gz)
		if all := listIDs(t, director, "/api/v1/opportunities?limit=100"); len(all) != 3 {
			t.Fatalf("unfiltered: %v", all)
		}

		// The manager of 上海一组 picks one of two teams: their own, or one out of scope.
		mgr := e.Demo("east1.manager@demo.local")
		check(mgr, "上海一组", sh)
		check(mgr, "杭州二组")
		check(mgr, "华东大区", sh) // the filter never widens the data scope

		for _, bad := range []string{"nope", "00000000-0000-4000-8000-000000000000"} {
			p := director.Do("GET", "/api/v1/opportunities?department_id="+bad, nil).Want(422).Problem()
			if !p.Names("query.department_id") {
				t.Fatalf("bad department %q: %+v", bad, p)
			}
		}
	})
}
