// Package assign holds the assignment rules that route a lead to its owner:
// ordered conditions (source, region, industry) → a team (a department
// subtree), round-robin among its active reps with a per-rep cap of open
// leads; and the manual assignment of a lead with a reason.
package assign

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// RuleConditions select the leads a rule takes; an empty value matches any lead.
type RuleConditions struct {
	Source   string `json:"source,omitempty" maxLength:"40"`
	Region   string `json:"region,omitempty" maxLength:"40" doc:"A region name; matches leads of that region and of every region below it in the territory tree."`
	Industry string `json:"industry,omitempty" maxLength:"40"`
}

// AssignmentRule is one assignment rule.
type AssignmentRule struct {
	bun.BaseModel      `bun:"table:assignment_rules,alias:ar"`
	ID                 string         `bun:"id,pk" json:"id"`
	TenantID           string         `bun:"tenant_id" json:"-"`
	Position           int            `bun:"position" json:"position" doc:"Rules are tried by position, then by age."`
	Name               string         `bun:"name" json:"name"`
	ConditionsJSON     string         `bun:"conditions" json:"-" audit:"-"`
	Conditions         RuleConditions `bun:"-" json:"conditions"`
	DepartmentID       string         `bun:"department_id" json:"department_id" doc:"The team: active reps of this department and its sub-departments."`
	PerRepCap          int            `bun:"per_rep_cap" json:"per_rep_cap" doc:"A rep holding this many open leads is skipped; 0: no cap."`
	Enabled            bool           `bun:"enabled" json:"enabled"`
	LastAssignedUserID *string        `bun:"last_assigned_user_id" json:"last_assigned_user_id" audit:"-" doc:"The round-robin cursor."`
	CreatedAt          time.Time      `bun:"created_at" json:"created_at"`
	UpdatedAt          time.Time      `bun:"updated_at" json:"updated_at"`
	Version            int64          `bun:"version" json:"version"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (r *AssignmentRule) CurrentVersion() int64 { return r.Version }

// Service is the assignment feature's logic over its store.
type Service struct {
	DB *db.DB
}

// RuleInput creates a rule.
type RuleInput struct {
	Name         string         `json:"name" minLength:"1" maxLength:"80"`
	Position     *int           `json:"position,omitempty" minimum:"0" maximum:"1000000" doc:"Default: after every existing rule."`
	Conditions   RuleConditions `json:"conditions,omitempty"`
	DepartmentID string         `json:"department_id" format:"uuid"`
	PerRepCap    int            `json:"per_rep_cap,omitempty" minimum:"0" maximum:"100000"`
	Enabled      *bool          `json:"enabled,omitempty" doc:"Default true."`
}

// RulePatch changes some fields of a rule; conditions replaces all three.
type RulePatch struct {
	Name         *string         `json:"name,omitempty" minLength:"1" maxLength:"80"`
	Position     *int            `json:"position,omitempty" minimum:"0" maximum:"1000000"`
	Conditions   *RuleConditions `json:"conditions,omitempty"`
	DepartmentID *string         `json:"department_id,omitempty" format:"uuid"`
	PerRepCap    *int            `json:"per_rep_cap,omitempty" minimum:"0" maximum:"100000"`
	Enabled      *bool           `json:"enabled,omitempty"`
}

func (c RuleConditions) trimmed() RuleConditions {
	return RuleConditions{Source: strings.TrimSpace(c.Source), Region: strings.TrimSpace(c.Region), Industry: strings.TrimSpace(c.Industry)}
}

func (r *AssignmentRule) encode() {
	b, _ := json.Marshal(r.Conditions)
	r.ConditionsJSON = string(b)
}

func decode(rules []AssignmentRule) error {
	for i := range rules {
		if err := json.Unmarshal([]byte(rules[i].ConditionsJSON), &rules[i].Conditions); err != nil {
			return err
		}
	}
	return nil
}

// List returns the tenant's rules in the order they are tried.
func (s *Service) List(ctx context.Context) ([]AssignmentRule, error) {
	var out []AssignmentRule
	err := s.DB.R(ctx).NewSelect().Model(&out).Where("tenant_id = ?", auth.From(ctx).TenantID).
		OrderExpr("position ASC, id ASC").Limit(1000).Scan(ctx)
	if err != nil {
		return nil, err
	}
	return out, decode(out)
}

// Get returns one rule of the caller's tenant.
func (s *Service) Get(ctx context.Context, id string) (*AssignmentRule, error) {
	var out []AssignmentRule
	err := s.DB.R(ctx).NewSelect().Model(&out).Where("id = ? AND tenant_id = ?", id, auth.From(ctx).TenantID).Scan(ctx)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, apperr.NotFound("assignment rule")
	}
	return &out[0], decode(out)
}

func (s *Service) checkDepartment(ctx context.Context, id string) error {
	n, err := s.DB.R(ctx).NewSelect().Table("departments").Where("id = ? AND tenant_id = ?", id, auth.From(ctx).TenantID).Count(ctx)
	if err == nil && n == 0 {
		return apperr.Invalid("body.department_id", "no such department")
	}
	return err
}

// Create adds a rule.
func (s *Service) Create(ctx context.Context, in RuleInput) (*AssignmentRule, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	r := &AssignmentRule{ID: ids.New(), TenantID: p.TenantID, Name: strings.TrimSpace(in.Name), Conditions: in.Conditions.trimmed(),
		DepartmentID: in.DepartmentID, PerRepCap: in.PerRepCap, Enabled: in.Enabled == nil || *in.Enabled,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	r.encode()
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkDepartment(ctx, in.DepartmentID); err != nil {
			return err
		}
		if in.Position != nil {
			r.Position = *in.Position
		} else {
			var max []int
			if err := tx.NewSelect().Table("assignment_rules").ColumnExpr("COALESCE(MAX(position), -1)").
				Where("tenant_id = ?", p.TenantID).Scan(ctx, &max); err != nil {
				return err
			}
			r.Position = max[0] + 1
		}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "assignment_rule", r.ID, audit.Diff(nil, r))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, r.ID)
}

// Update changes a rule at the caller's version.
func (s *Service) Update(ctx context.Context, id string, version int64, in RulePatch) (*AssignmentRule, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("assignment rule", old.Version, version); err != nil {
			return err
		}
		r := *old
		if in.Name != nil {
			r.Name = strings.TrimSpace(*in.Name)
		}
		if in.Position != nil {
			r.Position = *in.Position
		}
		if in.Conditions != nil {
			r.Conditions = in.Conditions.trimmed()
		}
		if in.DepartmentID != nil && *in.DepartmentID != r.DepartmentID {
			if err := s.checkDepartment(ctx, *in.DepartmentID); err != nil {
				return err
			}
			r.DepartmentID, r.LastAssignedUserID = *in.DepartmentID, nil
		}
		if in.PerRepCap != nil {
			r.PerRepCap = *in.PerRepCap
		}
		if in.Enabled != nil {
			r.Enabled = *in.Enabled
		}
		changes := audit.Diff(old, &r)
		if len(changes) == 0 {
			return nil
		}
		r.encode()
		r.UpdatedAt, r.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&r).Column("name", "position", "conditions", "department_id", "per_rep_cap",
			"enabled", "last_assigned_user_id", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "assignment rule", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "assignment_rule", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Delete removes a rule at the caller's version.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("assignment rule", old.Version, version); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("assignment_rules").Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "assignment rule", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "assignment_rule", id, audit.Diff(old, nil))
	})
}
