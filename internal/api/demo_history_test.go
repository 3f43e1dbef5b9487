package api_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/demo"
	"github.com/rudder-crm/rudder/internal/jobs"
)

// TestDemoHistory loads a scaled-down demo history and checks it through the
// API the pages use: it must be the shape the services would have written
// (scopes, copies, stage history, clocks), not just rows.
func TestDemoHistory(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		now := time.Now().UTC()
		size := demo.Size{Leads: 400, Customers: 120, Opportunities: 160, Months: 18}
		loaded, err := demo.History(ctx, e.DB, now, size)
		if err != nil || !loaded {
			t.Fatalf("history: loaded=%v err=%v", loaded, err)
		}
		if again, err := demo.History(ctx, e.DB, now, size); err != nil || again {
			t.Fatalf("second load: loaded=%v err=%v (must be a no-op)", again, err)
		}
		count := func(q string, args ...any) int {
			var n int
			if err := e.DB.Read.NewRaw(q, args...).Scan(ctx, &n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		// The history's leads, and the web forms' visitors (6 a form).
		for table, want := range map[string]int{"leads": 400 + 12, "customers": 120, "opportunities": 160, "web_form_submissions": 12} {
			if n := count("SELECT COUNT(*) FROM " + table); n != want {
				t.Errorf("%s: %d rows, want %d", table, n, want)
			}
		}
		if n := count("SELECT COUNT(*) FROM customers WHERE grade IS NULL OR scored_at IS NULL"); n != 0 {
			t.Errorf("%d customers not scored by the model", n)
		}
		if n := count("SELECT COUNT(DISTINCT grade) FROM customers"); n < 2 {
			t.Errorf("the demo customers have %d grades; the matrix and filters need a spread", n)
		}
		if n := count("SELECT COUNT(*) FROM web_forms WHERE enabled"); n != 2 {
			t.Errorf("%d web forms, want one per sales region", n)
		}
		if n := count("SELECT COUNT(*) FROM contacts WHERE is_primary"); n != 120 {
			t.Errorf("%d primary contacts, want one per customer", n)
		}
		// 18 months: the oldest record is over a year old, the newest recent.
		var oldest, newest time.Time
		if err := e.DB.Read.NewRaw("SELECT MIN(created_at), MAX(created_at) FROM leads").Scan(ctx, &oldest, &newest); err != nil {
			t.Fatal(err)
		}
		if now.Sub(oldest) < 365*24*time.Hour || now.Sub(newest) > 30*24*time.Hour || newest.After(time.Now()) {
			t.Errorf("leads span %v … %v", oldest, newest)
		}
		// Every opportunity's last stage move lands where it is, and stage
		// history starts with an entry from nowhere.
		if n := count(`SELECT COUNT(*) FROM opportunities o WHERE o.stage_id <> (SELECT h.to_stage_id FROM stage_history h
			WHERE h.opportunity_id = o.id ORDER BY h.at DESC LIMIT 1)`); n != 0 {
			t.Errorf("%d opportunities whose last stage move is not their stage", n)
		}
		if n := count("SELECT COUNT(*) FROM stage_history WHERE from_stage_id IS NULL"); n != 160 {
			t.Errorf("%d first moves, want one per opportunity", n)
		}
		// Copies agree with their owners: the department data scope relies on them.
		if n := count(`SELECT COUNT(*) FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.department_id <> u.department_id`); n != 0 {
			t.Errorf("%d leads whose department is not their owner's", n)
		}
		if n := count(`SELECT COUNT(*) FROM activities a JOIN opportunities o ON o.id = a.subject_id
			WHERE a.subject_type = 'opportunity' AND a.subject_owner_id <> o.owner_id`); n != 0 {
			t.Errorf("%d activities with a wrong subject owner copy", n)
		}
		// Both sales regions have customers.
		for _, provinces := range [][]any{{"上海", "浙江", "江苏"}, {"广东", "福建"}} {
			if n := count("SELECT COUNT(*) FROM customers WHERE region IN (?, ?, ?)", append(provinces, "")[:3]...); n == 0 {
				t.Errorf("no customers in %v", provinces)
			}
		}

		// The pools' clocks have already run in the history: the first
		// return run after loading takes no lead from its owner.
		owned := count("SELECT COUNT(*) FROM leads WHERE owner_id IS NOT NULL")
		if _, err := (&jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).RunDue(ctx, now); err != nil {
			t.Fatal(err)
		}
		if after := count("SELECT COUNT(*) FROM leads WHERE owner_id IS NOT NULL"); after != owned {
			t.Errorf("the first return run took %d demo leads back to the pools", owned-after)
		}

		// A rep sees only theirs, and has a day's work.
		rep := e.Demo("east1.rep1@demo.local")
		me := rep.Do("GET", "/api/v1/me", nil).Want(200).Map()["user"].(map[string]any)
		var leads struct {
			Items []struct {
				OwnerID *string `json:"owner_id"`
				ID      string  `json:"id"`
			} `json:"items"`
		}
		rep.Do("GET", "/api/v1/leads?limit=200", nil).Want(200).JSON(&leads)
		if len(leads.Items) == 0 {
			t.Fatal("the rep has no leads")
		}
		for _, l := range leads.Items {
			if l.OwnerID == nil || *l.OwnerID != me["id"] {
				t.Fatalf("rep sees lead %s of %v", l.ID, l.OwnerID)
			}
		}
		var day struct {
			TasksDueToday []map[string]any `json:"tasks_due_today"`
			VisitsToday   []map[string]any `json:"visits_today"`
			Overdue       []map[string]any `json:"overdue"`
		}
		rep.Do("GET", "/api/v1/my-day", nil).Want(200).JSON(&day)
		if len(day.TasksDueToday) == 0 || len(day.VisitsToday) == 0 || len(day.Overdue) == 0 {
			t.Errorf("my day: %d tasks, %d visits, %d overdue", len(day.TasksDueToday), len(day.VisitsToday), len(day.Overdue))
		}
		hist := rep.Do("GET", "/api/v1/leads/"+leads.Items[0].ID+"/history", nil).Want(200).Map()
		if items, _ := hist["items"].([]any); len(items) == 0 || items[len(items)-1].(map[string]any)["action"] != "create" {
			t.Errorf("lead history: %v", hist)
		}

		// The director's funnel has opportunities in every stage.
		var f funnelJSON
		e.Demo("director@demo.local").Do("GET", "/api/v1/analytics/funnel", nil).Want(200).JSON(&f)
		for _, s := range f.Stages {
			if s.Count == 0 || s.Entered == 0 {
				t.Errorf("funnel stage %s: %d now, %d entered", s.Name, s.Count, s.Entered)
			}
		}
		// The pools hold leads their members can claim.
		var pools struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		rep.Do("GET", "/api/v1/pools", nil).Want(200).JSON(&pools)
		if len(pools.Items) == 0 {
			t.Fatal("the rep is in no pool")
		}
		var pooled struct {
			Items []map[string]any `json:"items"`
		}
		rep.Do("GET", "/api/v1/pools/"+pools.Items[0].ID+"/leads", nil).Want(200).JSON(&pooled)
		if len(pooled.Items) == 0 {
			t.Error("the rep's pool is empty")
		}
	})
}
