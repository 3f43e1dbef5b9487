package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestActivityEditFromTimeline: on a customer's timeline a rep corrects a
// note's text, moves a task's due time (its reminder moves along), deletes a
// wrong call, and opens the note's change history to see the correction;
// the API holds each change. On a phone-width screen the editor fills the
// screen and the page does not scroll sideways.
func TestActivityEditFromTimeline(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		activityEditFromTimeline(t, apitest.Start(t, d))
	})
}

func activityEditFromTimeline(t *testing.T, env *apitest.Env) {
	rep := env.Login(rep1Email, demoPassword)
	cust := createCustomer(t, rep, "跟进更正测试公司")
	loc, err := time.LoadLocation(myDayZone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	due := time.Date(now.Year(), now.Month(), now.Day()+2, 10, 0, 0, 0, loc)
	create := func(body map[string]any) string {
		body["subject_type"], body["subject_id"] = "customer", cust
		return rep.Do("POST", "/api/v1/activities", body).Want(http.StatusCreated).Map()["id"].(string)
	}
	note := create(map[string]any{"kind": "note", "title": "初次沟通", "body": "客户要求报加"})
	task := create(map[string]any{"kind": "task", "title": "发报价", "due_at": due.Format(time.RFC3339),
		"remind_at": due.Add(-time.Hour).Format(time.RFC3339)})
	wrong := create(map[string]any{"kind": "call", "title": "打错的电话"})

	p := openPage(t, env, 1280, 900)
	p.timeZone(myDayZone)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/customers/" + cust)
	p.click(tid("customer-tab-timeline"))
	p.waitText(tid("activity-"+note), "客户要求报加")

	// A typo in a note.
	p.click(tid("activity-edit-" + note))
	p.waitVisible(tid("activity-editor") + " " + tid("edit-body"))
	p.fill(tid("edit-body"), "客户要求报价，下周给到")
	p.snap("activity-edit-1-note")
	p.click(tid("form-submit"))
	p.waitGone(tid("activity-editor"))
	p.waitText(tid("activity-"+note), "客户要求报价，下周给到")
	if got := rep.Do("GET", "/api/v1/activities/"+note, nil).Want(http.StatusOK).Map(); got["body"] != "客户要求报价，下周给到" {
		t.Fatalf("the note's body is %q after the edit", got["body"])
	}

	// The task is due a day later; its reminder, an hour before, moves along.
	later := due.AddDate(0, 0, 1)
	p.click(tid("activity-edit-" + task))
	p.waitVisible(tid("activity-editor") + " " + tid("edit-due-at"))
	p.fill(tid("edit-due-at"), later.Format("2006-01-02 15:04"))
	p.press("\r")
	p.waitJS("the reminder to follow the due time", `document.querySelector('[data-testid="edit-remind-at"] input, input[data-testid="edit-remind-at"]').value === `+
		js(later.Add(-time.Hour).Format("2006-01-02 15:04")))
	p.snap("activity-edit-2-task")
	p.click(tid("form-submit"))
	p.waitGone(tid("activity-editor"))
	got := rep.Do("GET", "/api/v1/activities/"+task, nil).Want(http.StatusOK).Map()
	gotDue, _ := time.Parse(time.RFC3339, got["due_at"].(string))
	gotRemind, _ := time.Parse(time.RFC3339, got["remind_at"].(string))
	if !gotDue.Equal(later) || !gotRemind.Equal(later.Add(-time.Hour)) {
		t.Fatalf("the task is due %v and reminds %v, want %v and an hour before", gotDue, gotRemind, later)
	}

	// A call logged by mistake goes, after a confirmation.
	p.click(tid("activity-delete-" + wrong))
	p.waitText(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-title", "删除“打错的电话”？")
	p.click(".ant-popover:not(.ant-popover-hidden) " + tid("activity-delete-ok"))
	p.waitGone(tid("activity-" + wrong))
	rep.Do("GET", "/api/v1/activities/"+wrong, nil).Want(http.StatusNotFound)

	// The note's history shows the correction, by field name.
	p.click(tid("activity-history-" + note))
	p.waitText(tid("activity-history-drawer"), "详情", "客户要求报加", "客户要求报价，下周给到")
	p.snap("activity-edit-3-history")
	p.press("\x1b")
	p.waitGone(tid("activity-history-drawer"))

	// On a phone the actions are there and the editor fills the screen.
	const width = 390
	m := openPage(t, env, width, 844)
	m.goTo("/login")
	m.login(rep1Email, demoPassword)
	m.goTo("/customers/" + cust)
	m.click(tid("customer-tab-timeline"))
	m.waitVisible(tid("activity-history-" + task))
	m.checkNoOverflow(width)
	m.click(tid("activity-edit-" + task))
	m.waitVisible(".ant-drawer-open " + tid("edit-owner"))
	m.checkNoOverflow(width)
	w, err := eval[float64](m.ctx, `document.querySelector('.ant-drawer-open .ant-drawer-content-wrapper').getBoundingClientRect().width`)
	if err != nil {
		t.Fatal(err)
	}
	if w < width-1 || w > width+1 {
		t.Errorf("the editor is %.0f px wide on a %d px screen, want the full width", w, width)
	}
	m.snap("activity-edit-4-phone")
}
