package scoring

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/customer"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Service keeps scoring models and customers' scores.
type Service struct {
	DB *db.DB
}

// modelRow is a stored model.
type modelRow struct {
	bun.BaseModel `bun:"table:scoring_models"`
	TenantID      string    `bun:"tenant_id,pk"`
	Model         string    `bun:"model"`
	UpdatedBy     string    `bun:"updated_by"`
	UpdatedAt     time.Time `bun:"updated_at"`
	Version       int64     `bun:"version"`
}

// Model returns the tenant's model. A tenant that never stored one scores
// with DefaultModel, shown at version 1 (the first save makes version 2), so
// every tenant has a model from its first day without a seed row.
func (s *Service) Model(ctx context.Context) (*ScoringModel, error) {
	return s.modelOf(ctx, s.DB.R(ctx), auth.From(ctx).TenantID)
}

func (s *Service) modelOf(ctx context.Context, q bun.IDB, tenantID string) (*ScoringModel, error) {
	var row modelRow
	err := q.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		m := &ScoringModel{ScoringModelInput: DefaultModel(), Default: true, UpdatedBy: "system", Version: 1}
		m.MaxPoints = MaxPoints(m.Rules)
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	m := &ScoringModel{UpdatedBy: row.UpdatedBy, Version: row.Version}
	at := row.UpdatedAt.UTC()
	m.UpdatedAt = &at
	if err := json.Unmarshal([]byte(row.Model), &m.ScoringModelInput); err != nil {
		return nil, err
	}
	m.MaxPoints = MaxPoints(m.Rules)
	return m, nil
}

// SaveModel replaces the tenant's model at the caller's version, with an
// audit entry (object scoring_model, id the tenant's), then recomputes every
// customer of the tenant in batches, each batch its own transaction (a
// failure part way leaves the rest for the nightly run, which repairs it).
func (s *Service) SaveModel(ctx context.Context, version int64, in ScoringModelInput) (*ScoringModel, error) {
	if err := in.Normalize(); err != nil {
		return nil, apperr.Invalid(err.Loc, "%s", err.Msg)
	}
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.modelOf(ctx, tx, p.TenantID)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("scoring model", old.Version, version); err != nil {
			return err
		}
		changes := audit.Diff(&old.ScoringModelInput, &in)
		if len(changes) == 0 && !old.Default {
			return nil
		}
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		row := &modelRow{TenantID: p.TenantID, Model: string(b), UpdatedBy: p.UserID, UpdatedAt: time.Now().UTC(), Version: old.Version + 1}
		if old.Default {
			_, err = tx.NewInsert().Model(row).Exec(ctx)
			if db.IsUniqueViolation(err) { // another save stored the first model meanwhile: this one is stale
				return db.CheckVersion("scoring model", old.Version+1, old.Version)
			}
		} else {
			var res sql.Result
			res, err = tx.NewUpdate().Model(row).WherePK().Where("version = ?", old.Version).Exec(ctx)
			err = db.Versioned(res, err, "scoring model", old.Version)
		}
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			changes = []audit.Change{{Field: "default", Old: true, New: false}}
		}
		return audit.Record(ctx, tx, audit.Update, "scoring_model", p.TenantID, changes)
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.RecomputeAll(ctx, time.Now()); err != nil {
		return nil, err
	}
	return s.Model(ctx)
}

// batchSize is how many customers one recompute transaction covers.
const batchSize = 500

// RecomputeAll rescores every customer of the caller's tenant at now, in
// batches; inside a transaction in ctx the batches join it. It returns how
// many customers' score, grade or key flag changed.
func (s *Service) RecomputeAll(ctx context.Context, now time.Time) (int, error) {
	tenant := auth.From(ctx).TenantID
	after, changed := "", 0
	for {
		var ids []string
		err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			ids = nil
			if err := tx.NewSelect().Table("customers").Column("id").Where("tenant_id = ? AND id > ?", tenant, after).
				OrderExpr("id").Limit(batchSize).Scan(ctx, &ids); err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			n, err := s.recompute(ctx, tx, ids, now)
			changed += n
			return err
		})
		if err != nil || len(ids) < batchSize {
			return changed, err
		}
		after = ids[len(ids)-1]
	}
}

// Recompute rescores one customer of the caller's tenant inside the
// transaction in ctx (or its own): the hook the customer, activity and deal
// services call when something a score depends on changes.
func (s *Service) Recompute(ctx context.Context, customerID string) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.recompute(ctx, tx, []string{customerID}, time.Now())
		return err
	})
}

// RecomputeSubject rescores the customer an activity's subject belongs to:
// the customer itself, a contact's or an opportunity's customer; a lead
// has none.
func (s *Service) RecomputeSubject(ctx context.Context, subjectType, subjectID string) error {
	table := map[string]string{"contact": "contacts", "opportunity": "opportunities"}[subjectType]
	if subjectType == "customer" {
		return s.Recompute(ctx, subjectID)
	}
	if table == "" {
		return nil
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var cust string
		err := tx.NewSelect().Table(table).Column("customer_id").
			Where("id = ? AND tenant_id = ?", subjectID, auth.From(ctx).TenantID).Scan(ctx, &cust)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.Recompute(ctx, cust)
	})
}

// Rate scores a customer about to be created from its fields alone (a new
// customer has no activities or opportunities): the customer feature's
// hook, so the create's own audit entry carries the score.
func (s *Service) Rate(ctx context.Context, c *customer.Customer) error {
	m, err := s.modelOf(ctx, s.DB.R(ctx), c.TenantID)
	if err != nil {
		return err
	}
	f := Facts{Industry: c.Industry, Size: c.Size, Region: c.Region}
	if c.RevenueCurrency == m.Currency {
		f.Revenue = c.AnnualRevenue
	}
	c.Score = Score(&m.ScoringModelInput, f)
	g := Grade(m.Grades, c.Score)
	c.Grade, c.KeyCustomer = &g, Key(m.KeyCustomer, c.KeyCustomerManual, g, 0)
	now := time.Now().UTC()
	c.ScoredAt = &now
	return nil
}
