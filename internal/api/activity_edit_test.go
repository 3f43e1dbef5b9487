package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/apitest"
)

// remindersOf counts the caller's inbox reminders of one activity.
func remindersOf(t *testing.T, c *apitest.Client, activityID string) int {
	t.Helper()
	var inbox struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/inbox?limit=200", nil).Want(200).JSON(&inbox)
	n := 0
	for _, it := range inbox.Items {
		if it["link_type"] == "activity" && it["link_id"] == activityID {
			n++
		}
	}
	return n
}

func sendReminders(t *testing.T, e *apitest.Env, at time.Time) {
	t.Helper()
	if _, err := activity.SendReminders(context.Background(), e.DB, at); err != nil {
		t.Fatal(err)
	}
}

func newTask(t *testing.T, c *apitest.Client, customerID, title string, due time.Time) map[string]any {
	t.Helper()
	return newActivity(t, c, map[string]any{"kind": "task", "subject_type": "customer", "subject_id": customerID,
		"title": title, "due_at": due.UTC().Format(time.RFC3339)})
}

func TestDeleteActivityDropsReminder(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "删除提醒测试"})
		now := time.Now().UTC()
		sent := newTask(t, rep, cust["id"].(string), "已提醒的任务", now.Add(-time.Minute))
		kept := newTask(t, rep, cust["id"].(string), "保留的任务", now.Add(-time.Minute))
		pending := newTask(t, rep, cust["id"].(string), "未到提醒时间", now.Add(time.Hour))
		sendReminders(t, e, now)
		if remindersOf(t, rep, sent["id"].(string)) != 1 || remindersOf(t, rep, kept["id"].(string)) != 1 {
			t.Fatal("the due reminders were not sent")
		}
		rep.Do("DELETE", "/api/v1/activities/"+sent["id"].(string), nil, "If-Match", `"1"`).Want(204)
		rep.Do("DELETE", "/api/v1/activities/"+pending["id"].(string), nil, "If-Match", `"1"`).Want(204)
		if n := remindersOf(t, rep, sent["id"].(string)); n != 0 {
			t.Fatalf("the deleted task's reminder is still in the inbox (%d)", n)
		}
		if remindersOf(t, rep, kept["id"].(string)) != 1 {
			t.Fatal("deleting one task removed another task's reminder")
		}
		sendReminders(t, e, now.Add(2*time.Hour))
		if n := remindersOf(t, rep, pending["id"].(string)); n != 0 {
			t.Fatalf("a deleted task was reminded (%d)", n)
		}
	})
}

func TestRescheduledTaskRemindsOnceAtNewTime(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "改期提醒测试"})
		now := time.Now().UTC().Truncate(time.Second)
		task := newTask(t, rep, cust["id"].(string), "改期的任务", now.Add(2*time.Hour))
		id, path := task["id"].(string), "/api/v1/activities/"+task["id"].(string)
		// Moving only the due time moves the reminder by as much.
		upd := rep.Do("PATCH", path, map[string]any{"due_at": now.Add(26 * time.Hour).Format(time.RFC3339)}, "If-Match", `"1"`).Want(200).Map()
		if upd["remind_at"] != upd["due_at"] {
			t.Fatalf("remind_at %v did not follow due_at %v", upd["remind_at"], upd["due_at"])
		}
		sendReminders(t, e, now.Add(3*time.Hour))
		if n := remindersOf(t, rep, id); n != 0 {
			t.Fatalf("reminded at the old due time (%d)", n)
		}
		sendReminders(t, e, now.Add(27*time.Hour))
		sendReminders(t, e, now.Add(28*time.Hour))
		if n := remindersOf(t, rep, id); n != 1 {
			t.Fatalf("%d reminders at the new time, want one", n)
		}
		// A new reminder time takes the sent one out and reminds once more, at that time.
		rep.Do("PATCH", path, map[string]any{"remind_at": now.Add(30 * time.Hour).Format(time.RFC3339)}, "If-Match", `"2"`).Want(200)
		if n := remindersOf(t, rep, id); n != 0 {
			t.Fatalf("the reminder of the old time is still in the inbox (%d)", n)
		}
		sendReminders(t, e, now.Add(29*time.Hour))
		if n := remindersOf(t, rep, id); n != 0 {
			t.Fatalf("reminded before the new reminder time (%d)", n)
		}
		sendReminders(t, e, now.Add(31*time.Hour))
		sendReminders(t, e, now.Add(32*time.Hour))
		var inbox struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/inbox?limit=200", nil).Want(200).JSON(&inbox)
		if n := remindersOf(t, rep, id); n != 1 {
			t.Fatalf("%d reminders after the new reminder time, want one", n)
		}
		for _, it := range inbox.Items {
			if it["link_id"] == id && !sameInstant(t, it["due_at"], now.Add(26*time.Hour)) {
				t.Fatalf("the reminder tells of due %v", it["due_at"])
			}
		}
	})
}

func sameInstant(t *testing.T, v any, want time.Time) bool {
	t.Helper()
	s, _ := v.(string)
	got, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && got.Equal(want)
}

func TestClosedTaskIsNotReminded(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "完成提醒测试"})
		now := time.Now().UTC()
		done := newTask(t, rep, cust["id"].(string), "提前完成", now.Add(time.Hour))
		cancelled := newTask(t, rep, cust["id"].(string), "取消了", now.Add(time.Hour))
		open := newTask(t, rep, cust["id"].(string), "照常", now.Add(time.Hour))
		rep.Do("PATCH", "/api/v1/activities/"+done["id"].(string), map[string]any{"status": "done"}, "If-Match", `"1"`).Want(200)
		rep.Do("PATCH", "/api/v1/activities/"+cancelled["id"].(string), map[string]any{"status": "cancelled"}, "If-Match", `"1"`).Want(200)
		sendReminders(t, e, now.Add(2*time.Hour))
		if a, b := remindersOf(t, rep, done["id"].(string)), remindersOf(t, rep, cancelled["id"].(string)); a+b != 0 {
			t.Fatalf("closed tasks were reminded: done %d, cancelled %d", a, b)
		}
		if n := remindersOf(t, rep, open["id"].(string)); n != 1 {
			t.Fatalf("the open task got %d reminders, want one", n)
		}
	})
}

// TestHandedOverTaskRemindsNewOwner: a planned task whose reminder was
// already sent changes hands, by a manager's reassignment or by its
// owner's offboarding. The reminder leaves the old owner's inbox and the
// next run sends it to the new owner, once.
func TestHandedOverTaskRemindsNewOwner(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, mgr := e.Demo("admin@demo.local"), e.Demo("east1.manager@demo.local")
		rep1, rep2, rep3 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local"), e.Demo("east1.rep3@demo.local")
		users := plUsers(t, admin)
		cust := newCustomer(t, rep1, map[string]any{"name": "转交提醒测试"})
		now := time.Now().UTC()
		task := newTask(t, rep1, cust["id"].(string), "转交的任务", now.Add(-time.Minute))
		stays := newTask(t, rep1, cust["id"].(string), "留下的任务", now.Add(-time.Minute))
		sendReminders(t, e, now)
		if remindersOf(t, rep1, task["id"].(string)) != 1 || remindersOf(t, rep1, stays["id"].(string)) != 1 {
			t.Fatal("the due reminders were not sent")
		}

		mgr.Do("PATCH", "/api/v1/activities/"+task["id"].(string), map[string]any{"owner_id": users["east1.rep2@demo.local"]},
			"If-Match", `"1"`).Want(200)
		if n := remindersOf(t, rep1, task["id"].(string)); n != 0 {
			t.Fatalf("the reassigned task's reminder stayed with its old owner (%d)", n)
		}
		if remindersOf(t, rep1, stays["id"].(string)) != 1 {
			t.Fatal("reassigning one task removed another task's reminder")
		}
		sendReminders(t, e, now.Add(time.Second))
		sendReminders(t, e, now.Add(2*time.Second))
		if n := remindersOf(t, rep2, task["id"].(string)); n != 1 {
			t.Fatalf("the new owner has %d reminders of the task, want 1", n)
		}

		// Offboarding rep2 hands the task (and its reminder) to rep3.
		admin.Do("POST", "/api/v1/users/"+users["east1.rep2@demo.local"]+"/offboard",
			map[string]any{"successor_id": users["east1.rep3@demo.local"]}).Want(200)
		n, err := e.DB.Read.NewSelect().Table("inbox_items").Where("link_id = ? AND user_id = ?", task["id"], users["east1.rep2@demo.local"]).
			Count(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("the offboarded owner keeps %d reminders of the task (%v)", n, err)
		}
		sendReminders(t, e, now.Add(3*time.Second))
		if n := remindersOf(t, rep3, task["id"].(string)); n != 1 {
			t.Fatalf("the successor has %d reminders of the task, want 1", n)
		}
		if remindersOf(t, rep1, stays["id"].(string)) != 1 {
			t.Fatal("the task that stayed lost its reminder")
		}
	})
}
