package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/jobs"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestTaskReminderFromUI: a rep plans a task on a customer with a reminder
// an hour before it is due. The periodic jobs run just before the reminder
// time send nothing; run just after, they put it in the rep's inbox, and
// "my day" shows it among the unread reminders.
func TestTaskReminderFromUI(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		taskReminderFromUI(t, apitest.Start(t, d))
	})
}

func taskReminderFromUI(t *testing.T, env *apitest.Env) {
	const title = "寄送合同草稿"
	rep := env.Login(rep1Email, demoPassword)
	id := createCustomer(t, rep, "提醒测试有限公司")
	loc, err := time.LoadLocation(myDayZone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	due, remind := tomorrow.Add(10*time.Hour), tomorrow.Add(9*time.Hour)
	unread := func() []map[string]any {
		var inbox struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/inbox?unread=true", nil).Want(http.StatusOK).JSON(&inbox)
		return inbox.Items
	}

	p := openPage(t, env, 1280, 900)
	p.timeZone(myDayZone)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/customers/" + id)
	p.click(tid("customer-tab-timeline"))
	p.click(tid("log-activity-open"))
	p.click(tid("log-kind-task"))
	p.fill(tid("log-title"), title)
	p.fill(tid("log-due-at"), due.Format("2006-01-02 15:04"))
	p.press("\r")
	p.fill(tid("log-remind-at"), remind.Format("2006-01-02 15:04"))
	p.press("\r")
	p.snap("task-1-form")
	p.click(tid("log-submit"))
	p.waitText(tid("activity-planned"), title)

	acts := activitiesOf(t, rep, "customer", id)
	if len(acts) != 1 || acts[0].Kind != "task" || acts[0].Status != "planned" {
		t.Fatalf("activities of the customer: %+v, want the planned task", acts)
	}
	task := rep.Do("GET", "/api/v1/activities/"+acts[0].ID, nil).Want(http.StatusOK).Map()
	if task["due_at"] == nil || task["remind_at"] == nil {
		t.Fatalf("the task has no due or remind time: %v", task)
	}
	gotDue, _ := time.Parse(time.RFC3339, task["due_at"].(string))
	gotRemind, _ := time.Parse(time.RFC3339, task["remind_at"].(string))
	if !gotDue.Equal(due) || !gotRemind.Equal(remind) {
		t.Fatalf("the task is due %v and reminds %v, want %v and %v", gotDue, gotRemind, due, remind)
	}

	s := &jobs.Scheduler{DB: env.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := s.RunDue(context.Background(), remind.Add(-10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if items := unread(); len(items) != 0 {
		t.Fatalf("reminded before the reminder time: %v", items)
	}
	if _, err := s.RunDue(context.Background(), remind.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	items := unread()
	if len(items) != 1 || items[0]["title"] != title || items[0]["link_id"] != acts[0].ID {
		t.Fatalf("unread inbox after the reminder time: %v, want the task's reminder", items)
	}

	p.goTo("/my-day")
	p.waitText(tid("myday-inbox"), "未读提醒")
	p.waitText(tid("inbox-"+items[0]["id"].(string)), title)
	p.snap("task-2-inbox")
}
