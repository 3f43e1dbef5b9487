package activity

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/lead"
)

// MoveLeadActivities is the lead merge hook of activities: the activities of
// the merged leads become the survivor's, scoped like the survivor (their
// copied subject owner and department follow it), so its timeline holds them.
func MoveLeadActivities(ctx context.Context, tx bun.IDB, m lead.Merged) error {
	_, err := tx.NewUpdate().Table("activities").Set("subject_id = ?", m.IntoID).
		Set("subject_owner_id = ?", m.OwnerID).Set("subject_department_id = ?", m.DepartmentID).
		Set("updated_at = ?", time.Now().UTC()).Set("version = version + 1").
		Where("tenant_id = ? AND subject_type = 'lead' AND subject_id IN (?)", m.TenantID, bun.In(m.FromIDs)).Exec(ctx)
	return err
}
