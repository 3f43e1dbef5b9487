package lead

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

// FollowedUp records a follow-up (a done call, visit, meeting or email) made
// at at on the lead id, visible to the caller: last_follow_up_at, the pool
// clock, moves to at unless a later follow-up is already recorded, and a new
// lead becomes contacted. It runs inside the transaction in ctx (the
// activity's), with an audit entry for the lead's change; a lead changed
// concurrently is refused with 409 so the caller retries.
func (s *Service) FollowedUp(ctx context.Context, id string, at time.Time) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		l := *old
		if l.LastFollowUpAt == nil || l.LastFollowUpAt.Before(at) {
			l.LastFollowUpAt = utc(&at)
		}
		if l.Status == StatusNew {
			l.Status = StatusContacted
		}
		changes := audit.Diff(old, &l)
		if len(changes) == 0 {
			return nil
		}
		l.UpdatedAt, l.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&l).Column("last_follow_up_at", "status", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.Conflict("the lead was changed while the follow-up was being recorded; try again")
		}
		return audit.Record(ctx, tx, audit.Update, "lead", id, changes)
	})
}
