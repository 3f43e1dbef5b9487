package activity

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/customer"
)

// inChunk bounds the ids of one IN list, well under either database's
// limit on bound parameters.
const inChunk = 500

// DeleteCustomerActivities is the customer and contact delete hook of
// activities: the activities on the deleted customer and contacts go with
// them, each with its audit entry, and so do their reminders in the inbox.
// Kept, they would still show in my-day and the inbox (their copied subject
// owner makes them visible) pointing at a record that is gone.
func DeleteCustomerActivities(ctx context.Context, tx bun.Tx, d customer.Deleted) (func(), error) {
	for _, s := range []struct {
		typ string
		ids []string
	}{{"customer", nonEmpty(d.CustomerID)}, {"contact", d.ContactIDs}} {
		for ids := s.ids; len(ids) > 0; {
			n := min(inChunk, len(ids))
			if err := deleteSubjects(ctx, tx, d.TenantID, s.typ, ids[:n]); err != nil {
				return nil, err
			}
			ids = ids[n:]
		}
	}
	return nil, nil
}

// deleteSubjects deletes the activities on some subjects of one type.
func deleteSubjects(ctx context.Context, tx bun.Tx, tenant, typ string, subjectIDs []string) error {
	on := func(alias string) (string, []any) {
		return alias + "tenant_id = ? AND " + alias + "subject_type = ? AND " + alias + "subject_id IN (?)",
			[]any{tenant, typ, bun.In(subjectIDs)}
	}
	var rows []Activity
	where, args := on("a.")
	if err := tx.NewSelect().Model(&rows).Where(where, args...).OrderExpr("a.id").Scan(ctx); err != nil || len(rows) == 0 {
		return err
	}
	for i := range rows {
		if err := audit.Record(ctx, tx, audit.Delete, "activity", rows[i].ID, audit.Diff(&rows[i], nil)); err != nil {
			return err
		}
	}
	where, args = on("")
	if err := dropReminders(ctx, tx, tenant, tx.NewSelect().Table("activities").Column("id").Where(where, args...)); err != nil {
		return err
	}
	_, err := tx.NewDelete().Table("activities").Where(where, args...).Exec(ctx)
	return err
}

// nonEmpty is the one id, or none (a contact delete has no customer).
func nonEmpty(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}
