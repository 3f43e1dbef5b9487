package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// myDayZone is the browser's zone in these tests, so "today" is known here too.
const myDayZone = "Asia/Shanghai"

func (p *page) timeZone(zone string) {
	p.t.Helper()
	p.do("set the time zone", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	}))
}

type apiActivity struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Version int64  `json:"version"`
}

// newTask plans a task on a lead for the caller.
func newTask(t *testing.T, c *apitest.Client, leadID, title string, due time.Time) apiActivity {
	t.Helper()
	var a apiActivity
	c.Do("POST", "/api/v1/activities", map[string]any{"kind": "task", "subject_type": "lead", "subject_id": leadID,
		"title": title, "due_at": due.UTC().Format(time.RFC3339)}).Want(http.StatusCreated).JSON(&a)
	return a
}

// myDaySetup gives rep1 a lead with a task due today and one overdue.
func myDaySetup(t *testing.T, env *apitest.Env) (rep *apitest.Client, today, overdue apiActivity) {
	t.Helper()
	rep = env.Login(rep1Email, demoPassword)
	var lead struct{ ID string }
	rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "钱多多", "company": "金元宝投资有限公司"}).Want(http.StatusCreated).JSON(&lead)
	loc, err := time.LoadLocation(myDayZone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	today = newTask(t, rep, lead.ID, "回电确认报价", day.Add(18*time.Hour))
	overdue = newTask(t, rep, lead.ID, "寄送样品", day.Add(-14*time.Hour))
	return rep, today, overdue
}

// TestMyDayFlow: a task due today and an overdue one show on "my day";
// completing the task there marks it done in the API; the overdue task
// opens its lead.
func TestMyDayFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		myDayFlow(t, apitest.Start(t, d))
	})
}

func myDayFlow(t *testing.T, env *apitest.Env) {
	rep, today, overdue := myDaySetup(t, env)
	// The overdue task's reminder is due: deliver it as the periodic job would.
	if _, err := activity.SendReminders(context.Background(), env.DB, time.Now()); err != nil {
		t.Fatal(err)
	}
	var inbox struct {
		Items []struct {
			ID, Title string
		}
	}
	// (Today's task is reminded too once its due time has passed.)
	unread := func() map[string]string {
		rep.Do("GET", "/api/v1/inbox?unread=true", nil).Want(http.StatusOK).JSON(&inbox)
		out := map[string]string{}
		for _, it := range inbox.Items {
			out[it.Title] = it.ID
		}
		return out
	}
	reminderID, ok := unread()["寄送样品"]
	if !ok {
		t.Fatalf("unread inbox = %+v, want the overdue task's reminder", inbox.Items)
	}
	p := openPage(t, env, 1280, 900)
	p.timeZone(myDayZone)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	// The home page's main panel is "my day".
	p.waitText(tid("myday-tasks"), "今日任务", "回电确认报价", "到期 18:00")
	p.snap("myday-0-home")
	p.click(tid("nav-my-day"))
	p.waitPath("/my-day")
	p.waitText(".ant-breadcrumb", "销售", "我的一天")
	p.waitText(tid("myday-tasks"), "回电确认报价", "任务", "到期 18:00", "查看线索")
	p.waitText(tid("myday-overdue"), "已逾期", "寄送样品")
	p.waitText(tid("myday-visits"), "今天没有拜访")
	p.snap("myday-1")

	p.click(tid("complete-" + today.ID))
	p.waitText(".ant-message", "已完成“回电确认报价”")
	p.waitGone(tid("activity-" + today.ID))
	p.waitText(tid("myday-tasks"), "今天没有到期的任务")
	var got apiActivity
	rep.Do("GET", "/api/v1/activities/"+today.ID, nil).Want(http.StatusOK).JSON(&got)
	if got.Status != "done" {
		t.Fatalf("the task completed on the page is %q in the API, want done", got.Status)
	}
	rep.Do("GET", "/api/v1/activities/"+overdue.ID, nil).Want(http.StatusOK).JSON(&got)
	if got.Status != "planned" {
		t.Fatalf("the other task is %q, want planned", got.Status)
	}

	// The reminder is marked read.
	p.waitText(tid("inbox-"+reminderID), "寄送样品")
	p.click(tid("read-" + reminderID))
	p.waitGone(tid("inbox-" + reminderID))
	if _, still := unread()["寄送样品"]; still {
		t.Fatal("the reminder marked read on the page is still unread in the API")
	}

	// The overdue task's lead opens in the lead drawer.
	p.click(tid("open-subject-" + overdue.ID))
	p.waitText(".ant-drawer-open .ant-drawer-title", "钱多多")
}

// TestMyDayNarrowEnglish: my day in English on a phone.
func TestMyDayNarrowEnglish(t *testing.T) {
	const width = 375
	env := startServer(t)
	_, today, _ := myDaySetup(t, env)
	p := openPage(t, env, width, 812)
	p.timeZone(myDayZone)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.login(rep1Email, demoPassword)
	p.goTo("/my-day")
	p.waitText(tid("myday-tasks"), "Tasks due today", "回电确认报价", "Due 18:00", "Open lead")
	p.waitText(tid("myday-overdue"), "Overdue", "寄送样品")
	p.waitVisible(tid("complete-" + today.ID))
	p.checkNoOverflow(width)
	p.snap("myday-narrow-en")
	// The home page carries the same panel.
	p.goTo("/")
	p.waitText(tid("myday-tasks"), "Tasks due today", "回电确认报价")
	p.checkNoOverflow(width)
	p.snap("myday-narrow-en-home")
}
