// Package ownership keeps the department copies of owned records in step
// with their owner. Leads, customers, contacts and opportunities carry their
// owner's department (department_id), so the department data scope is one
// indexed column; when a user moves to another department, everything they
// own follows them. Activities' copies of their subject's owner and
// department follow their subject by the triggers of migration 00016, so a
// move here reaches them too, in the same transaction.
//
// It is plain SQL over the feature tables, called from the org feature's
// hook (org.Service.OnUserMoved), because those features import org and org
// cannot import them.
package ownership

import (
	"context"

	"github.com/uptrace/bun"
)

// ownedTables hold records with an owner_id and its department copy. A
// record sitting in a pool has no owner and carries the pool's department:
// the owner_id filter leaves it alone.
var ownedTables = []string{"leads", "customers", "contacts", "opportunities"}

// UserMoved gives the records userID owns the department dept (nil: none),
// inside the transaction tx. The copies are not the records' own fields (no
// client writes them), so versions and updated_at stay; the user's audit
// entry records the move that caused it.
func UserMoved(ctx context.Context, tx bun.IDB, tenantID, userID string, dept *string) error {
	for _, table := range ownedTables {
		_, err := tx.NewUpdate().Table(table).Set("department_id = ?", dept).
			Where("tenant_id = ? AND owner_id = ?", tenantID, userID).Exec(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}
