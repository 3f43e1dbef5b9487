package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/jobs"
)

// TestPoolAutoReturnWhichPool: the nearest pool governs a lead (a team's
// own pool, not its region's, whichever was made first), a lead just
// claimed gets its N days whatever its last owner did, and a rep of a role
// an admin made (own data scope) is swept like a built-in rep.
func TestPoolAutoReturnWhichPool(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps := plDepts(t, admin)
		ctx := context.Background()
		now := time.Now().UTC()
		age := func(id string, assigned, followedUp int) {
			t.Helper()
			q := e.DB.Write.NewUpdate().Table("leads").Set("assigned_at = ?", now.AddDate(0, 0, assigned)).Where("id = ?", id)
			if followedUp != 0 {
				q = q.Set("last_follow_up_at = ?", now.AddDate(0, 0, followedUp))
			}
			if _, err := q.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		clocks := map[string]any{"return_after_days_no_follow_up": 7}
		region := admin.Do("POST", "/api/v1/pools", merge(clocks, map[string]any{"name": "华东公海", "department_id": deps["华东大区"]})).Want(201).Map()["id"].(string)
		team := admin.Do("POST", "/api/v1/pools", merge(clocks, map[string]any{"name": "上海一组公海", "department_id": deps["上海一组"],
			"member_ids": []string{plUsers(t, admin)["east1.rep2@demo.local"]}})).Want(201).Map()["id"].(string)

		// A custom role of the own scope, and a person of it in 上海一组.
		role := admin.Do("POST", "/api/v1/roles", map[string]any{"name": "电话销售", "data_scope": "own",
			"permissions": []string{"lead.read", "lead.write"}}).Want(201).Map()["id"].(string)
		admin.Do("POST", "/api/v1/users", map[string]any{"email": "tele@demo.local", "name": "电销小王", "password": "tele password 1",
			"department_id": deps["上海一组"], "role_id": role}).Want(201)
		tele := e.Login("tele@demo.local", "tele password 1")

		shanghai := newLead(t, e.Demo("east1.rep1@demo.local"), map[string]any{"contact_name": "上海一组的"})["id"].(string)
		hangzhou := newLead(t, e.Demo("east2.rep1@demo.local"), map[string]any{"contact_name": "杭州二组的"})["id"].(string)
		custom := newLead(t, tele, map[string]any{"contact_name": "电销的"})["id"].(string)
		for _, id := range []string{shanghai, hangzhou, custom} {
			age(id, -20, -10)
		}
		// Followed up long ago by a rep who returned it; claimed today.
		claimed := newLead(t, e.Demo("east1.rep1@demo.local"), map[string]any{"contact_name": "刚领取的"})["id"].(string)
		e.Demo("east1.rep1@demo.local").Do("POST", "/api/v1/leads/"+claimed+"/return", map[string]any{"reason": "不跟了"}).Want(200)
		age(claimed, -20, -10)
		e.Demo("east1.rep2@demo.local").Do("POST", "/api/v1/leads/"+claimed+"/claim", nil).Want(200)

		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if _, err := s.RunDue(ctx, now); err != nil {
			t.Fatal(err)
		}
		want := []string{shanghai, custom}
		slices.Sort(want)
		if got := plPoolLeads(t, admin, team); !slices.Equal(got, want) {
			t.Fatalf("team pool holds %v, want %v (its own team's stale leads, the custom role's too)", got, want)
		}
		if got := plPoolLeads(t, admin, region); !slices.Equal(got, []string{hangzhou}) {
			t.Fatalf("region pool holds %v, want only the team without a pool of its own: %v", got, hangzhou)
		}
		if l := admin.Do("GET", "/api/v1/leads/"+claimed, nil).Want(200).Map(); l["pool_id"] != nil {
			t.Fatalf("a lead claimed today went back: %v", l)
		}
		// Eight days on, the claimed lead's own clock has run out.
		if _, err := s.RunDue(ctx, now.AddDate(0, 0, 8)); err != nil {
			t.Fatal(err)
		}
		if l := admin.Do("GET", "/api/v1/leads/"+claimed, nil).Want(200).Map(); l["pool_id"] != team {
			t.Fatalf("claimed lead after 8 days: pool %v, want %s", l["pool_id"], team)
		}
	})
}

// merge answers a copy of a with b's entries added.
func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestAssignmentRoundRobinRoles: a rule's round robin takes in the team's
// people of a role an admin made like a rep (own data scope, works leads),
// never its manager nor a role that cannot work leads.
func TestAssignmentRoundRobinRoles(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		for _, r := range []struct {
			name, email string
			perms       []string
		}{
			{"电话销售", "tele@demo.local", []string{"lead.read", "lead.write"}},
			{"实习观察", "intern@demo.local", []string{"lead.read"}},
		} {
			role := admin.Do("POST", "/api/v1/roles", map[string]any{"name": r.name, "data_scope": "own", "permissions": r.perms}).Want(201).Map()
			admin.Do("POST", "/api/v1/users", map[string]any{"email": r.email, "name": r.name + "员", "password": "some password 1",
				"department_id": deps["上海一组"], "role_id": role["id"]}).Want(201)
		}
		tele := plUsers(t, admin)["tele@demo.local"]
		admin.Do("POST", "/api/v1/assignment-rules", map[string]any{"name": "上海", "department_id": deps["上海一组"],
			"conditions": map[string]any{"source": "轮转"}}).Want(201)
		owners := map[string]int{}
		for i := range 8 {
			l := newLead(t, admin, map[string]any{"contact_name": fmt.Sprint("轮转", i), "source": "轮转", "allow_duplicate": true})
			r := admin.Do("POST", "/api/v1/leads/"+l["id"].(string)+"/assign", map[string]any{"reason": "按规则分配"}).Want(200).Map()
			owners[r["owner_id"].(string)]++
		}
		want := map[string]int{users["east1.rep1@demo.local"]: 2, users["east1.rep2@demo.local"]: 2,
			users["east1.rep3@demo.local"]: 2, tele: 2}
		if !maps.Equal(owners, want) {
			t.Fatalf("round robin owners %v, want %v (three reps and the custom rep role, two each)", owners, want)
		}
	})
}

// TestCompanyKeysDerivedAgain: a company key stored by an older
// normalisation (the bracketed region kept) is derived again by the jobs,
// once, so the same company entered today is found as a duplicate.
func TestCompanyKeysDerivedAgain(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		ctx := context.Background()
		l := newLead(t, admin, map[string]any{"contact_name": "老数据", "company": "华为技术（深圳）有限公司"})["id"].(string)
		c := newCustomer(t, admin, map[string]any{"name": "中兴通讯(深圳)股份有限公司"})["id"].(string)
		for _, r := range []struct{ table, id, old string }{{"leads", l, "华为技术深圳"}, {"customers", c, "中兴通讯深圳"}} {
			if _, err := e.DB.Write.NewUpdate().Table(r.table).Set("company_key = ?", r.old).Where("id = ?", r.id).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.DB.Write.NewDelete().Table("job_runs").Where("key LIKE 'company-key:%'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		// With the old keys the same companies are not found.
		admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "新线索", "company": "华为技术有限公司"}).Want(201)

		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		for range 2 {
			if _, err := s.RunDue(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		var runs int
		if err := e.DB.Read.NewRaw("SELECT COUNT(*) FROM job_runs WHERE key LIKE 'company-key:%'").Scan(ctx, &runs); err != nil || runs != 1 {
			t.Fatalf("company-key runs: %d, %v", runs, err)
		}
		p := admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "又一个", "company": "华为技术(深圳)有限公司"}).Want(409).Problem()
		if !p.Names("body.company") {
			t.Fatalf("duplicate by company: %+v", p)
		}
		admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "中兴的人", "company": "中兴通讯股份有限公司"}).Want(409)
	})
}
