package assign

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Rules carry their region condition by name, inside the conditions JSON.
// The region service asks here, inside its own transaction, before it
// deletes a region and when it renames one, so the JSON stays this
// package's business.

// regionRules returns the tenant's rules whose region condition is name.
// A tenant has a handful of rules, so they are read and decoded whole.
func regionRules(ctx context.Context, tx bun.IDB, tenantID, name string) ([]AssignmentRule, error) {
	var all []AssignmentRule
	if err := tx.NewSelect().Model(&all).Where("tenant_id = ?", tenantID).OrderExpr("position ASC, id ASC").Scan(ctx); err != nil {
		return nil, err
	}
	if err := decode(all); err != nil {
		return nil, err
	}
	var out []AssignmentRule
	for _, r := range all {
		if r.Conditions.Region == name {
			out = append(out, r)
		}
	}
	return out, nil
}

// RegionRuleCount counts the tenant's rules whose region condition is name.
func RegionRuleCount(ctx context.Context, tx bun.IDB, tenantID, name string) (int, error) {
	rules, err := regionRules(ctx, tx, tenantID, name)
	return len(rules), err
}

// RenameRegion moves the tenant's rules whose region condition is from to
// the name to, each at a new version with its own audit entry (an editor
// holding the old version gets 412 rather than writing the old name back).
func RenameRegion(ctx context.Context, tx bun.IDB, tenantID, from, to string) (int, error) {
	rules, err := regionRules(ctx, tx, tenantID, from)
	if err != nil {
		return 0, err
	}
	now := time.Now().UTC()
	for _, old := range rules {
		r := old
		r.Conditions.Region = to
		r.encode()
		r.UpdatedAt, r.Version = now, old.Version+1
		res, err := tx.NewUpdate().Model(&r).Column("conditions", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", r.ID, tenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "assignment rule", old.Version); err != nil {
			return 0, err
		}
		if err := audit.Record(ctx, tx, audit.Update, "assignment_rule", r.ID, audit.Diff(&old, &r)); err != nil {
			return 0, err
		}
	}
	return len(rules), nil
}
