package scoring

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// RenameRegion carries a region's rename into the tenant's stored model:
// each value of a region rule that names from (case-insensitively, as rules
// match) becomes to, in tx, at a new version with an audit entry, so the
// rule keeps scoring the customers that moved with the region. Scores stay
// as they are: those customers are renamed in the same transaction. A
// tenant on the built-in default model has no region rules. It returns how
// many rules changed.
func RenameRegion(ctx context.Context, tx bun.IDB, tenantID, from, to string) (int, error) {
	var row modelRow
	err := tx.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var in ScoringModelInput
	if err := json.Unmarshal([]byte(row.Model), &in); err != nil {
		return 0, err
	}
	old := in
	old.Rules = append([]ScoringRule(nil), in.Rules...)
	n := 0
	for i := range in.Rules {
		r := &in.Rules[i]
		if r.Kind != KindField || r.Field != "region" || !renameValue(r, from, to) {
			continue
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		return 0, err
	}
	res, err := tx.NewUpdate().Model((*modelRow)(nil)).Set("model = ?", string(b)).Set("updated_at = ?", time.Now().UTC()).
		Set("version = version + 1").Where("tenant_id = ? AND version = ?", tenantID, row.Version).Exec(ctx)
	if err := db.Versioned(res, err, "scoring model", row.Version); err != nil {
		return 0, err
	}
	return n, audit.Record(ctx, tx, audit.Update, "scoring_model", tenantID, audit.Diff(&old, &in))
}

// renameValue replaces from in r's values (a new slice: the caller's copy
// of the old rule shares the old one); it reports whether any matched.
func renameValue(r *ScoringRule, from, to string) bool {
	vals := make([]string, 0, len(r.Values))
	hit := false
	for _, v := range r.Values {
		switch {
		case strings.EqualFold(v, from):
			hit = true
			v = to
		case strings.EqualFold(v, to):
			continue // the rule named both: keep one
		}
		vals = append(vals, v)
	}
	if hit {
		r.Values = vals
	}
	return hit
}
