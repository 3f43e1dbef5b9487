package pool

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/lead"
)

// MoveLeadEvents is the lead merge hook of pools: the merged leads' pool
// history (claims, returns, assignments) becomes the survivor's.
func MoveLeadEvents(ctx context.Context, tx bun.IDB, m lead.Merged) error {
	_, err := tx.NewUpdate().Table("lead_pool_events").Set("lead_id = ?", m.IntoID).
		Where("tenant_id = ? AND lead_id IN (?)", m.TenantID, bun.In(m.FromIDs)).Exec(ctx)
	return err
}
