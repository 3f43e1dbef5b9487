package importer

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// ImportListFilter narrows the list of imports.
type ImportListFilter struct {
	Status string `query:"status" enum:"uploaded,running,done,failed,cancelled" doc:"Only imports in this status."`
}

// List pages through the imports in the caller's scope (their own; a
// manager's department's; everyone's for a tenant-wide scope), newest first.
func (s *Service) List(ctx context.Context, f ImportListFilter, limit int, cursor string) (httpx.Page[ImportJob], error) {
	page := httpx.Page[ImportJob]{Items: []ImportJob{}}
	keys, err := httpx.DecodeCursor(cursor, "-id", 1)
	if err != nil {
		return page, err
	}
	var rows []ImportJob
	q := s.DB.R(ctx).NewSelect().Model(&rows)
	q = auth.From(ctx).Scoped(q, "im.tenant_id", "im.created_by", "im.department_id")
	if f.Status != "" {
		q = q.Where("im.status = ?", f.Status)
	}
	if keys != nil {
		q = q.Where("im.id < ?", keys[0])
	}
	if err := q.OrderExpr("im.id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return page, err
	}
	if s.anyStale(rows) {
		// Rare: an instance died mid-import. Mark it, then read again so
		// the page agrees with Get.
		if _, err := FailStale(ctx, s.DB); err != nil {
			return page, err
		}
		return s.List(ctx, f, limit, cursor)
	}
	rows, more := httpx.Trim(rows, limit)
	for i := range rows {
		rows[i].decode()
	}
	page.Items = rows
	if more {
		page.NextCursor = httpx.EncodeCursor("-id", rows[len(rows)-1].ID)
	}
	return page, nil
}

func (s *Service) anyStale(rows []ImportJob) bool {
	for _, j := range rows {
		if j.Status == StatusRunning && time.Since(j.UpdatedAt) > StaleAfter {
			return true
		}
	}
	return false
}

// Cancel stops a running import: the chunk being written when the cancel
// lands is rolled back, the chunks already committed stay, and the import
// ends as cancelled. Any other status is a 409.
func (s *Service) Cancel(ctx context.Context, id string) (*ImportJob, error) {
	j, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := time.Now().UTC()
		res, err := tx.NewUpdate().Table("imports").Set("status = ?", StatusCancelled).
			Set("finished_at = ?", now).Set("updated_at = ?", now).Set("version = version + 1").
			Where("id = ? AND tenant_id = ? AND status = ?", j.ID, j.TenantID, StatusRunning).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.Conflict("%s", "only a running import can be cancelled; this one is "+j.Status)
		}
		return audit.Record(ctx, tx, audit.Update, "import", j.ID, []audit.Change{
			{Field: "status", Old: StatusRunning, New: StatusCancelled}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}
