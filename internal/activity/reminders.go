package activity

import (
	"context"

	"github.com/uptrace/bun"
)

// dropReminders removes the inbox reminders of some activities: ids is a
// bun.In list or a subquery of activity ids. A reminder of an activity that
// is deleted would point at nothing; one of an activity whose reminder time
// moved tells of the old time (the new one is sent when it comes).
// inbox_items_link (migration 00023) finds them without reading the
// tenant's whole inbox.
func dropReminders(ctx context.Context, tx bun.IDB, tenant string, ids any) error {
	_, err := tx.NewDelete().Table("inbox_items").
		Where("tenant_id = ? AND link_type = 'activity' AND link_id IN (?)", tenant, ids).Exec(ctx)
	return err
}

// RemindAgain is for planned activities that changed hands (ids, a bun.In
// list or a subquery): their reminders already sent leave the inbox of the
// one who no longer does them, and the next reminder run sends them again,
// to the owner now.
func RemindAgain(ctx context.Context, tx bun.IDB, tenant string, ids any) error {
	if err := dropReminders(ctx, tx, tenant, ids); err != nil {
		return err
	}
	_, err := tx.NewUpdate().Table("activities").Set("reminded_at = NULL").
		Where("tenant_id = ? AND id IN (?) AND status = ? AND reminded_at IS NOT NULL", tenant, ids, StatusPlanned).Exec(ctx)
	return err
}
