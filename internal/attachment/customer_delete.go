package attachment

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/customer"
)

// DeleteCustomerAttachments is the customer and contact delete hook of
// attachments: the files of the deleted customer and contacts go with them.
// The rows go (each with its audit entry) in the delete's transaction; the
// blobs only once it has committed, as Delete does: a crash in between
// leaves a blob nobody can reach, never a row without its bytes.
func (s *Service) DeleteCustomerAttachments(ctx context.Context, tx bun.Tx, d customer.Deleted) (func(), error) {
	var gone []string
	for _, o := range []struct {
		typ string
		ids []string
	}{{"customer", nonEmpty(d.CustomerID)}, {"contact", d.ContactIDs}} {
		for ids := o.ids; len(ids) > 0; {
			n := min(500, len(ids))
			got, err := deleteOf(ctx, tx, d.TenantID, o.typ, ids[:n])
			if err != nil {
				return nil, err
			}
			gone, ids = append(gone, got...), ids[n:]
		}
	}
	if len(gone) == 0 {
		return nil, nil
	}
	return func() {
		for _, id := range gone {
			s.removeBlob(ctx, d.TenantID, id)
		}
	}, nil
}

// deleteOf deletes the attachments of some records of one type and answers
// their ids.
func deleteOf(ctx context.Context, tx bun.Tx, tenant, typ string, objectIDs []string) ([]string, error) {
	var rows []Attachment
	if err := tx.NewSelect().Model(&rows).Where("a.tenant_id = ? AND a.object_type = ? AND a.object_id IN (?)", tenant, typ,
		bun.In(objectIDs)).OrderExpr("a.id").Scan(ctx); err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
		if err := audit.Record(ctx, tx, audit.Delete, "attachment", rows[i].ID, audit.Diff(&rows[i], nil)); err != nil {
			return nil, err
		}
	}
	_, err := tx.NewDelete().Table("attachments").Where("tenant_id = ? AND object_type = ? AND object_id IN (?)", tenant, typ,
		bun.In(objectIDs)).Exec(ctx)
	return ids, err
}

// nonEmpty is the one id, or none (a contact delete has no customer).
func nonEmpty(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}
