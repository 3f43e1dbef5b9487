package api_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/jobs"
)

func newActivity(t *testing.T, c *apitest.Client, body map[string]any) map[string]any {
	t.Helper()
	return c.Do("POST", "/api/v1/activities", body).Want(201).Map()
}

func activityIDs(t *testing.T, c *apitest.Client, query string) []string {
	t.Helper()
	var page struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/activities"+query, nil).Want(200).JSON(&page)
	var out []string
	for _, a := range page.Items {
		out = append(out, a["id"].(string))
	}
	return out
}

func TestActivityLifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "跟进测试公司"})
		a := newActivity(t, rep, map[string]any{"kind": "note", "subject_type": "customer", "subject_id": cust["id"],
			"title": "初次沟通", "body": "第一行\n第二行"})
		if a["status"] != "done" || a["occurred_at"] == nil || a["owner_id"] != me(t, rep)["id"] || a["version"].(float64) != 1 {
			t.Fatalf("created: %v", a)
		}
		path := "/api/v1/activities/" + a["id"].(string)
		rep.Do("GET", path, nil).Want(200)
		rep.Do("PATCH", path, map[string]any{"title": "改"}, "If-Match", `"7"`).Want(412)
		upd := rep.Do("PATCH", path, map[string]any{"title": "初次沟通（更正）"}, "If-Match", `"1"`).Want(200)
		if upd.Header.Get("ETag") != `"2"` || upd.Map()["title"] != "初次沟通（更正）" {
			t.Fatalf("update: %s %s", upd.Header.Get("ETag"), upd.Body)
		}
		h := historyOf(t, rep, path)
		if len(h.Items) != 2 || h.Items[0].Action != "update" && h.Items[1].Action != "update" {
			t.Fatalf("history: %+v", h)
		}
		// A note is not a follow-up; a call on the customer is.
		c := rep.Do("GET", "/api/v1/customers/"+cust["id"].(string), nil).Want(200).Map()
		if c["last_activity_at"] != nil {
			t.Fatalf("a note set last_activity_at: %v", c["last_activity_at"])
		}
		newActivity(t, rep, map[string]any{"kind": "call", "subject_type": "customer", "subject_id": cust["id"], "title": "电话"})
		if c := rep.Do("GET", "/api/v1/customers/"+cust["id"].(string), nil).Want(200).Map(); c["last_activity_at"] == nil {
			t.Fatal("a call did not set the customer's last_activity_at")
		}
		if got := activityIDs(t, rep, "?subject_type=customer&subject_id="+cust["id"].(string)+"&kind=note"); !slices.Equal(got, []string{a["id"].(string)}) {
			t.Fatalf("filtered list: %v", got)
		}
		rep.Do("DELETE", path, nil, "If-Match", `"1"`).Want(412)
		rep.Do("DELETE", path, nil, "If-Match", `"2"`).Want(204)
		rep.Do("GET", path, nil).Want(404)
	})
}

func TestActivityFollowUpResetsLeadClock(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		l := newLead(t, rep, map[string]any{"contact_name": "待跟进"})
		setLastFollowUp(t, e, l["id"].(string), time.Now().UTC().AddDate(0, 0, -20))
		lp := "/api/v1/leads/" + l["id"].(string)
		// A planned task is not a follow-up.
		newActivity(t, rep, map[string]any{"kind": "task", "subject_type": "lead", "subject_id": l["id"], "title": "回电",
			"due_at": time.Now().Add(time.Hour).Format(time.RFC3339)})
		if got := rep.Do("GET", lp, nil).Want(200).Map(); got["status"] != "new" {
			t.Fatalf("a task changed the lead: %v", got["status"])
		}
		at := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
		newActivity(t, rep, map[string]any{"kind": "call", "subject_type": "lead", "subject_id": l["id"], "title": "首次电话",
			"occurred_at": at.Format(time.RFC3339)})
		got := rep.Do("GET", lp, nil).Want(200).Map()
		lf, _ := time.Parse(time.RFC3339Nano, got["last_follow_up_at"].(string))
		if got["status"] != "contacted" || !lf.Equal(at) || got["version"].(float64) != 2 {
			t.Fatalf("after a call: status %v last_follow_up_at %v version %v", got["status"], got["last_follow_up_at"], got["version"])
		}
		h := historyOf(t, rep, lp)
		if len(h.Items) != 2 {
			t.Fatalf("lead history: %+v", h)
		}
		// The auto-return job no longer returns it.
		admin := e.Demo("admin@demo.local")
		dept := me(t, rep)["department_id"]
		pl := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "跟进公海", "department_id": dept,
			"return_after_days_no_follow_up": 7}).Want(201).Map()
		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if _, err := s.RunDue(context.Background(), time.Now()); err != nil {
			t.Fatal(err)
		}
		if got := rep.Do("GET", lp, nil).Want(200).Map(); got["owner_id"] != me(t, rep)["id"] || got["pool_id"] != nil {
			t.Fatalf("a followed-up lead went back to pool %v: %v", pl["id"], got)
		}
	})
}

func TestVisitCommitment(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "拜访测试公司"})
		tomorrow := time.Now().Add(24 * time.Hour).Format(time.RFC3339)
		base := map[string]any{"kind": "visit", "status": "planned", "subject_type": "customer", "subject_id": cust["id"],
			"title": "拜访王总", "due_at": tomorrow, "goal": "确认需求", "preparation": "带方案"}
		if p := rep.Do("POST", "/api/v1/activities", base).Want(422).Problem(); !p.Names("body.commitment") {
			t.Fatalf("plan without commitment: %+v", p)
		}
		base["commitment"] = "约定技术交流会"
		v := newActivity(t, rep, base)
		path := "/api/v1/activities/" + v["id"].(string)
		if p := rep.Do("PATCH", path, map[string]any{"status": "done", "outcome": "谈得不错"}, "If-Match", `"1"`).Want(422).Problem(); !p.Names("body.commitment_won") {
			t.Fatalf("done without commitment_won: %+v", p)
		}
		done := rep.Do("PATCH", path, map[string]any{"status": "done", "outcome": "谈得不错", "commitment_won": true}, "If-Match", `"1"`).Want(200).Map()
		if done["commitment_won"] != true || done["done_at"] == nil || done["occurred_at"] == nil {
			t.Fatalf("done visit: %v", done)
		}
		if p := rep.Do("PATCH", path, map[string]any{"status": "planned"}, "If-Match", `"2"`).Want(422).Problem(); !p.Names("body.status") {
			t.Fatalf("reopen done: %+v", p)
		}
		if p := rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "customer",
			"subject_id": cust["id"], "title": "x", "commitment_won": false}).Want(422).Problem(); !p.Names("body.commitment_won") {
			t.Fatalf("commitment_won on a call: %+v", p)
		}
	})
}

func TestTaskReminders(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		other := e.Demo("east1.rep2@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "提醒测试公司"})
		if p := rep.Do("POST", "/api/v1/activities", map[string]any{"kind": "task", "subject_type": "customer",
			"subject_id": cust["id"], "title": "无期限"}).Want(422).Problem(); !p.Names("body.due_at") {
			t.Fatalf("task without due_at: %+v", p)
		}
		due := time.Now().UTC().Add(-time.Minute)
		task := newActivity(t, rep, map[string]any{"kind": "task", "subject_type": "customer", "subject_id": cust["id"],
			"title": "发报价", "due_at": due.Format(time.RFC3339)})
		if task["remind_at"] != task["due_at"] {
			t.Fatalf("remind_at %v, want due_at %v", task["remind_at"], task["due_at"])
		}
		newActivity(t, rep, map[string]any{"kind": "task", "subject_type": "customer", "subject_id": cust["id"],
			"title": "以后再说", "due_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339)})
		ctx := context.Background()
		var wg sync.WaitGroup
		sent := make([]int, 4)
		for i := range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := activity.SendReminders(ctx, e.DB, time.Now())
				if err != nil {
					t.Error(err)
				}
				sent[i] = n
			}()
		}
		wg.Wait()
		s := &jobs.Scheduler{DB: e.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if _, err := s.RunDue(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		if total := sent[0] + sent[1] + sent[2] + sent[3]; total != 1 || rows(t, e, "inbox_items") != 1 {
			t.Fatalf("sent %v, %d inbox items; want exactly one", sent, rows(t, e, "inbox_items"))
		}
		var inbox struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/inbox?unread=true", nil).Want(200).JSON(&inbox)
		if len(inbox.Items) != 1 || inbox.Items[0]["link_id"] != task["id"] || inbox.Items[0]["title"] != "发报价" {
			t.Fatalf("inbox: %v", inbox.Items)
		}
		item := "/api/v1/inbox/" + inbox.Items[0]["id"].(string) + "/read"
		other.Do("POST", item, nil).Want(404)
		other.Do("GET", "/api/v1/inbox", nil).Want(200).JSON(&inbox)
		if len(inbox.Items) != 0 {
			t.Fatalf("another rep's inbox: %v", inbox.Items)
		}
		if got := rep.Do("POST", item, nil).Want(200).Map(); got["read_at"] == nil {
			t.Fatalf("read: %v", got)
		}
		rep.Do("GET", "/api/v1/inbox?unread=true", nil).Want(200).JSON(&inbox)
		if len(inbox.Items) != 0 {
			t.Fatalf("unread after read: %v", inbox.Items)
		}
		// A new reminder time reminds again.
		rep.Do("PATCH", "/api/v1/activities/"+task["id"].(string), map[string]any{"remind_at": time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)},
			"If-Match", `"1"`).Want(200)
		if n, err := activity.SendReminders(ctx, e.DB, time.Now()); err != nil || n != 1 {
			t.Fatalf("re-remind: %d %v", n, err)
		}
	})
}

func TestMyDay(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "今日测试公司"})
		loc, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Now().In(loc)
		lateToday := time.Date(now.Year(), now.Month(), now.Day(), 23, 0, 0, 0, loc)
		yesterday := lateToday.AddDate(0, 0, -2)
		mk := func(kind, status, title string, due time.Time) string {
			b := map[string]any{"kind": kind, "status": status, "subject_type": "customer", "subject_id": cust["id"],
				"title": title, "due_at": due.Format(time.RFC3339)}
			if kind == "visit" {
				b["commitment"] = "下次约见"
			}
			return newActivity(t, rep, b)["id"].(string)
		}
		task := mk("task", "planned", "今天的任务", lateToday)
		visit := mk("visit", "planned", "今天的拜访", lateToday)
		late := mk("task", "planned", "过期的任务", yesterday)
		mk("task", "planned", "明天的任务", lateToday.AddDate(0, 0, 1))
		newActivity(t, e.Demo("east1.rep2@demo.local"), map[string]any{"kind": "task", "subject_type": "customer",
			"subject_id": newCustomer(t, e.Demo("east1.rep2@demo.local"), map[string]any{"name": "别人的公司"})["id"],
			"title":      "别人的任务", "due_at": lateToday.Format(time.RFC3339)})
		raw := rep.Do("GET", "/api/v1/my-day", nil).Want(200).Map()
		idsOf := func(k string) []string {
			var out []string
			for _, a := range raw[k].([]any) {
				out = append(out, a.(map[string]any)["id"].(string))
			}
			return out
		}
		if !slices.Equal(idsOf("tasks_due_today"), []string{task}) || !slices.Equal(idsOf("visits_today"), []string{visit}) ||
			!slices.Equal(idsOf("overdue"), []string{late}) || raw["date"] != now.Format(time.DateOnly) {
			t.Fatalf("my day: %v", raw)
		}
		if p := rep.Do("GET", "/api/v1/my-day?tz=Mars/Olympus", nil).Want(422).Problem(); !p.Names("query.tz") {
			t.Fatalf("bad tz: %+v", p)
		}
	})
}

// A customer's timeline is one list (customer_id): its activities and
// those on its contacts and opportunities, paged in one order, within the
// caller's data scope; another customer's are not in it.
func TestCustomerTimeline(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep, other := e.Demo("east1.rep1@demo.local"), e.Demo("east2.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "时间线公司"})
		elsewhere := newCustomer(t, rep, map[string]any{"name": "别家公司"})
		contact := newContact(t, rep, map[string]any{"customer_id": cust["id"], "name": "王经理"})
		opp := newOpp(t, rep, map[string]any{"customer_id": cust["id"], "amount": cny(100000)})
		strangerContact := newContact(t, rep, map[string]any{"customer_id": elsewhere["id"], "name": "李经理"})
		on := func(typ string, subject map[string]any, title string) string {
			return newActivity(t, rep, map[string]any{"kind": "note", "subject_type": typ, "subject_id": subject["id"], "title": title})["id"].(string)
		}
		want := []string{on("customer", cust, "客户"), on("contact", contact, "联系人"), on("opportunity", opp, "商机")}
		on("customer", elsewhere, "别家")
		on("contact", strangerContact, "别家联系人")
		// Newest first, two to a page: every page follows the one before.
		var got []string
		cursor := ""
		for pages := 0; pages < 5; pages++ {
			var page struct {
				Items      []map[string]any
				NextCursor string `json:"next_cursor"`
			}
			rep.Do("GET", "/api/v1/activities?limit=2&customer_id="+cust["id"].(string)+"&cursor="+cursor, nil).Want(200).JSON(&page)
			for _, a := range page.Items {
				got = append(got, a["id"].(string))
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if !slices.Equal(got, []string{want[2], want[1], want[0]}) {
			t.Fatalf("timeline %v, want %v newest first", got, want)
		}
		// Filters combine with it, and another team's rep sees none of it.
		if got := activityIDs(t, rep, "?customer_id="+cust["id"].(string)+"&subject_type=contact"); !slices.Equal(got, want[1:2]) {
			t.Fatalf("contact activities of the timeline: %v", got)
		}
		if got := activityIDs(t, other, "?customer_id="+cust["id"].(string)); len(got) != 0 {
			t.Fatalf("out of scope: %v", got)
		}
		rep.Do("GET", "/api/v1/activities?customer_id=nope", nil).Want(422)
	})
}

func TestActivityDataScope(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep1, rep2 := e.Demo("east1.rep1@demo.local"), e.Demo("east2.rep1@demo.local")
		mgr, dir := e.Demo("east1.manager@demo.local"), e.Demo("director@demo.local")
		c1 := newCustomer(t, rep1, map[string]any{"name": "一组的公司"})
		c2 := newCustomer(t, rep2, map[string]any{"name": "二组的公司"})
		a1 := newActivity(t, rep1, map[string]any{"kind": "call", "subject_type": "customer", "subject_id": c1["id"], "title": "一组"})["id"].(string)
		a2 := newActivity(t, rep2, map[string]any{"kind": "call", "subject_type": "customer", "subject_id": c2["id"], "title": "二组"})["id"].(string)
		// Writing on a subject outside one's scope is refused naming subject_id, and nothing is written.
		before := rows(t, e, "activities")
		if p := rep1.Do("POST", "/api/v1/activities", map[string]any{"kind": "call", "subject_type": "customer",
			"subject_id": c2["id"], "title": "越界"}).Want(422).Problem(); !p.Names("body.subject_id") {
			t.Fatalf("out of scope subject: %+v", p)
		}
		if rows(t, e, "activities") != before {
			t.Fatal("a refused create wrote")
		}
		has := func(c *apitest.Client, id string) bool { return slices.Contains(activityIDs(t, c, "?limit=500"), id) }
		if !has(rep1, a1) || has(rep1, a2) || !has(mgr, a1) || has(mgr, a2) || !has(dir, a1) || !has(dir, a2) {
			t.Fatalf("scope: rep1 %v/%v mgr %v/%v dir %v/%v", has(rep1, a1), has(rep1, a2), has(mgr, a1), has(mgr, a2), has(dir, a1), has(dir, a2))
		}
		rep1.Do("GET", "/api/v1/activities/"+a2, nil).Want(404)
		rep1.Do("PATCH", "/api/v1/activities/"+a2, map[string]any{"title": "x"}, "If-Match", `"1"`).Want(404)
		// A manager gives a task on a team customer to a rep; the rep sees what they do.
		task := newActivity(t, mgr, map[string]any{"kind": "task", "subject_type": "customer", "subject_id": c1["id"],
			"title": "交给你", "due_at": time.Now().Add(time.Hour).Format(time.RFC3339), "owner_id": me(t, rep1)["id"]})
		if !has(rep1, task["id"].(string)) {
			t.Fatal("the rep does not see their task")
		}
		if p := mgr.Do("POST", "/api/v1/activities", map[string]any{"kind": "note", "subject_type": "customer", "subject_id": c1["id"],
			"title": "x", "owner_id": me(t, rep2)["id"]}).Want(422).Problem(); !p.Names("body.owner_id") {
			t.Fatalf("owner out of scope: %+v", p)
		}
	})
}

func TestActivityTenantIsolationAndBadInput(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "隔离测试公司"})
		a := newActivity(t, rep, map[string]any{"kind": "note", "subject_type": "customer", "subject_id": cust["id"], "title": "备注"})
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "x@other.test",
			"password": "outsider password"}).Want(201)
		out := e.Login("x@other.test", "outsider password")
		out.Do("GET", "/api/v1/activities/"+a["id"].(string), nil).Want(404)
		if got := activityIDs(t, out, ""); len(got) != 0 {
			t.Fatalf("other tenant sees %v", got)
		}
		if p := out.Do("POST", "/api/v1/activities", map[string]any{"kind": "note", "subject_type": "customer",
			"subject_id": cust["id"], "title": "偷看"}).Want(422).Problem(); !p.Names("body.subject_id") {
			t.Fatalf("foreign subject: %+v", p)
		}
		before, audits := rows(t, e, "activities"), auditCount(t, e)
		future := time.Now().Add(time.Hour).Format(time.RFC3339)
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"kind": "chat", "subject_type": "customer", "subject_id": cust["id"], "title": "x"}, "body.kind"},
			{map[string]any{"kind": "note", "subject_type": "customer", "subject_id": "nope", "title": "x"}, "body.subject_id"},
			{map[string]any{"kind": "note", "subject_type": "customer", "subject_id": cust["id"], "title": ""}, "body.title"},
			{map[string]any{"kind": "note", "subject_type": "customer", "subject_id": cust["id"], "title": " "}, "body.title"},
			{map[string]any{"kind": "call", "subject_type": "customer", "subject_id": cust["id"], "title": "x", "occurred_at": future}, "body.occurred_at"},
			{map[string]any{"kind": "call", "subject_type": "customer", "subject_id": cust["id"], "title": "x", "goal": "g"}, "body.goal"},
			{map[string]any{"kind": "note", "subject_type": "opportunity", "subject_id": cust["id"], "title": "x"}, "body.subject_id"},
			{map[string]any{"kind": "note", "subject_type": "lead", "subject_id": cust["id"], "title": "x"}, "body.subject_id"},
		} {
			if p := rep.Do("POST", "/api/v1/activities", c.body).Want(422).Problem(); !p.Names(c.field) {
				t.Errorf("%v: problem %+v, want %s", c.body, p, c.field)
			}
		}
		if rows(t, e, "activities") != before || auditCount(t, e) != audits {
			t.Fatal("bad input wrote something")
		}
	})
}
