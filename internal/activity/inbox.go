package activity

import (
	"context"
	"time"
	_ "time/tzdata" // my-day time zones, on hosts without a zoneinfo database

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// reminderBatch bounds the reminders one run sends; the rest go next tick.
const reminderBatch = 500

// SendReminders turns every planned activity whose remind_at has come into
// an inbox item for its owner, and reports how many it sent. Each reminder
// is claimed by setting the activity's reminded_at where it is still unset,
// in the same transaction as the item's insert: of two runs (or instances)
// racing for one reminder, exactly one updates the row (PostgreSQL re-checks
// the condition after the other's commit; SQLite writes one at a time) and
// only that one inserts the item.
func SendReminders(ctx context.Context, d *db.DB, now time.Time) (int, error) {
	now = now.UTC()
	var due []Activity
	err := d.Write.NewSelect().Model(&due).Column("a.id", "a.tenant_id", "a.owner_id", "a.title", "a.due_at").
		Where("a.status = ? AND a.reminded_at IS NULL AND a.remind_at <= ?", StatusPlanned, now).
		OrderExpr("a.remind_at, a.id").Limit(reminderBatch).Scan(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range due {
		a := &due[i]
		err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			res, err := tx.NewUpdate().Table("activities").Set("reminded_at = ?", now).
				Where("id = ? AND status = ? AND reminded_at IS NULL AND remind_at <= ? AND owner_id = ?", a.ID, StatusPlanned, now, a.OwnerID).Exec(ctx)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // sent by another run, done, moved or handed over meanwhile
			}
			item := &InboxItem{ID: ids.New(), TenantID: a.TenantID, UserID: a.OwnerID, Kind: "reminder", Title: a.Title,
				LinkType: "activity", LinkID: a.ID, DueAt: a.DueAt, CreatedAt: now}
			if _, err := tx.NewInsert().Model(item).Exec(ctx); err != nil {
				return err
			}
			sent++
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// Inbox returns one keyset page of the caller's own inbox, newest first.
func (s *Service) Inbox(ctx context.Context, unread bool, limit int, cursor string) (httpx.Page[InboxItem], error) {
	var page httpx.Page[InboxItem]
	const sort = "-created_at"
	keys, err := httpx.DecodeCursor(cursor, sort, 1)
	if err != nil {
		return page, err
	}
	p := auth.From(ctx)
	q := s.DB.R(ctx).NewSelect().Model((*InboxItem)(nil)).Where("ib.tenant_id = ? AND ib.user_id = ?", p.TenantID, p.UserID)
	if unread {
		q = q.Where("ib.read_at IS NULL")
	}
	if keys != nil {
		if !ids.Valid(keys[0]) {
			return page, apperr.Invalid("query.cursor", "is not a cursor this list gave out")
		}
		q = q.Where("ib.id < ?", keys[0])
	}
	var rows []InboxItem
	if err := q.OrderExpr("ib.id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	page.Items = rows
	if more {
		page.NextCursor = httpx.EncodeCursor(sort, rows[len(rows)-1].ID)
	}
	return page, nil
}

// MarkRead marks one of the caller's inbox items read; anyone else's is
// not found. Reading it again keeps the first read time.
func (s *Service) MarkRead(ctx context.Context, id string) (*InboxItem, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	if _, err := s.DB.Write.NewUpdate().Table("inbox_items").Set("read_at = ?", now).
		Where("id = ? AND tenant_id = ? AND user_id = ? AND read_at IS NULL", id, p.TenantID, p.UserID).Exec(ctx); err != nil {
		return nil, err
	}
	var item InboxItem
	err := s.DB.Write.NewSelect().Model(&item).Where("ib.id = ? AND ib.tenant_id = ? AND ib.user_id = ?", id, p.TenantID, p.UserID).Scan(ctx)
	return &item, db.NotFound(err, "inbox item")
}

// DefaultTZ is the time zone "today" is taken in when none is given.
const DefaultTZ = "Asia/Shanghai"

// myDayCap bounds each bucket of the my-day view.
const myDayCap = 200

// MyDay is what the caller has to do today.
type MyDay struct {
	Date          string     `json:"date" doc:"Today in the requested time zone (YYYY-MM-DD)."`
	TZ            string     `json:"tz"`
	TasksDueToday []Activity `json:"tasks_due_today" nullable:"false" doc:"My planned tasks due today."`
	VisitsToday   []Activity `json:"visits_today" nullable:"false" doc:"My visits planned for today or done today."`
	Overdue       []Activity `json:"overdue" nullable:"false" doc:"My planned activities due before today."`
}

// MyDay lists the caller's own tasks due today, visits today and planned
// activities overdue (due before today), today being the calendar day of
// now in tz; each bucket holds at most 200, soonest due first.
func (s *Service) MyDay(ctx context.Context, tz string, now time.Time) (*MyDay, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" || tz == "Local" {
		return nil, apperr.Invalid("query.tz", "is not an IANA time zone such as Asia/Shanghai")
	}
	local := now.In(loc)
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc).UTC()
	end := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc).UTC()
	p := auth.From(ctx)
	out := &MyDay{Date: local.Format(time.DateOnly), TZ: tz}
	mine := func() *bun.SelectQuery {
		return s.activities(ctx).Where("a.tenant_id = ? AND a.owner_id = ?", p.TenantID, p.UserID).Limit(myDayCap)
	}
	if err := mine().Where("a.kind = ? AND a.status = ? AND a.due_at >= ? AND a.due_at < ?", KindTask, StatusPlanned, start, end).
		OrderExpr("a.due_at, a.id").Scan(ctx, &out.TasksDueToday); err != nil {
		return nil, err
	}
	if err := mine().Where("a.kind = ? AND ((a.status = ? AND a.due_at >= ? AND a.due_at < ?) OR (a.status = ? AND a.occurred_at >= ? AND a.occurred_at < ?))",
		KindVisit, StatusPlanned, start, end, StatusDone, start, end).
		OrderExpr("COALESCE(a.due_at, a.occurred_at), a.id").Scan(ctx, &out.VisitsToday); err != nil {
		return nil, err
	}
	if err := mine().Where("a.status = ? AND a.due_at < ?", StatusPlanned, start).
		OrderExpr("a.due_at, a.id").Scan(ctx, &out.Overdue); err != nil {
		return nil, err
	}
	for _, b := range []*[]Activity{&out.TasksDueToday, &out.VisitsToday, &out.Overdue} {
		if *b == nil {
			*b = []Activity{}
		}
	}
	return out, nil
}
