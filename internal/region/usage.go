package region

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/assign"
	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/scoring"
)

// Leads, customers, assignment rules, web forms (their default region) and
// the scoring model's region rules carry a region by name, not by id. This file keeps them in step with the
// tree: a rename moves them to the new name, a delete is refused while
// they use the region.

// Uses counts the records of a tenant that carry one region name.
type Uses struct {
	Leads     int `json:"leads"`
	Customers int `json:"customers"`
	Rules     int `json:"rules"`
	Webforms  int `json:"webforms"`
	// ScoringRules follow a rename but do not keep a region from being
	// deleted: a rule naming no region simply matches no customer.
	ScoringRules int `json:"scoring_rules"`
}

func (u Uses) any() bool { return u.Leads+u.Customers+u.Rules+u.Webforms > 0 }

// String names the non-zero counts, e.g. "3 leads, 1 assignment rule".
func (u Uses) String() string {
	var parts []string
	add := func(n int, one, many string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(u.Leads, "lead", "leads")
	add(u.Customers, "customer", "customers")
	add(u.Rules, "assignment rule", "assignment rules")
	add(u.Webforms, "web form", "web forms")
	return strings.Join(parts, ", ")
}

// changes are the counts as audit fields of the rename's one entry: a
// region may hold 100,000 leads, so the leads and customers get no entry
// of their own (the rules, a handful, do).
func (u Uses) changes() []audit.Change {
	return []audit.Change{{Field: "leads_moved", New: u.Leads}, {Field: "customers_moved", New: u.Customers},
		{Field: "rules_moved", New: u.Rules}, {Field: "webforms_moved", New: u.Webforms},
		{Field: "scoring_rules_moved", New: u.ScoringRules}}
}

// named are the tables whose region column holds a region name. Customers
// are indexed by (tenant_id, region) (migration 00022); leads are not, so
// that lead inserts do not pay for an admin's rare rename or delete, which
// reads the tenant's leads once; a tenant's web forms are few.
var named = []struct{ table, column string }{{"leads", "region"}, {"customers", "region"}, {"web_forms", "default_region"}}

func (u *Uses) slot(table string) *int {
	return map[string]*int{"leads": &u.Leads, "customers": &u.Customers, "web_forms": &u.Webforms}[table]
}

// usesOf counts the tenant's records that carry name.
func usesOf(ctx context.Context, tx bun.IDB, tenantID, name string) (Uses, error) {
	var u Uses
	for _, t := range named {
		n, err := tx.NewSelect().Table(t.table).Where("tenant_id = ? AND "+t.column+" = ?", tenantID, name).Count(ctx)
		if err != nil {
			return u, err
		}
		*u.slot(t.table) = int(n)
	}
	var err error
	u.Rules, err = assign.RegionRuleCount(ctx, tx, tenantID, name)
	return u, err
}

// moveRecords gives every record of the tenant named from the name to, at a
// new version (an editor still holding the old one gets 412 instead of
// writing the old name back). One UPDATE per table by (tenant_id, region).
func moveRecords(ctx context.Context, tx bun.IDB, tenantID, from, to string) (Uses, error) {
	var u Uses
	now := time.Now().UTC()
	for _, t := range named {
		res, err := tx.NewUpdate().Table(t.table).Set(t.column+" = ?", to).Set("updated_at = ?", now).Set("version = version + 1").
			Where("tenant_id = ? AND "+t.column+" = ?", tenantID, from).Exec(ctx)
		if err != nil {
			return u, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return u, err
		}
		*u.slot(t.table) = int(n)
	}
	var err error
	if u.Rules, err = assign.RenameRegion(ctx, tx, tenantID, from, to); err != nil {
		return u, err
	}
	u.ScoringRules, err = scoring.RenameRegion(ctx, tx, tenantID, from, to)
	return u, err
}

// inUse is the 409 of a region whose name records still carry; the counts
// ride along as the error's value, for a client to word in its language.
func inUse(reason string, u Uses, format string, args ...any) error {
	return &apperr.Error{Kind: apperr.KindConflict, Field: "region", Message: fmt.Sprintf(format, args...),
		Value: map[string]any{"reason": reason, "leads": u.Leads, "customers": u.Customers, "rules": u.Rules, "webforms": u.Webforms}}
}
