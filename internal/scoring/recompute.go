package scoring

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
)

// scored is the part of a customer scoring reads and writes.
type scored struct {
	bun.BaseModel     `bun:"table:customers,alias:c"`
	ID                string     `bun:"id" json:"-"`
	Industry          string     `bun:"industry" json:"-"`
	Size              string     `bun:"size" json:"-"`
	Region            string     `bun:"region" json:"-"`
	AnnualRevenue     int64      `bun:"annual_revenue" json:"-"`
	RevenueCurrency   string     `bun:"revenue_currency" json:"-"`
	KeyCustomerManual *bool      `bun:"key_customer_manual" json:"-"`
	Score             int        `bun:"score" json:"score"`
	Grade             *string    `bun:"grade" json:"grade"`
	KeyCustomer       bool       `bun:"key_customer" json:"key_customer"`
	WonAmount         int64      `bun:"won_amount" json:"-"`
	OpenPipeline      int64      `bun:"open_pipeline" json:"-"`
	Activities90d     int64      `bun:"activities_90d" json:"-"`
	ScoredAt          *time.Time `bun:"scored_at" json:"-"`
	Version           int64      `bun:"version" json:"-"`
}

// metrics are the behaviour facts of one customer.
type metrics struct {
	CustomerID string `bun:"cid"`
	N          int64  `bun:"n"`
	Pipeline   int64  `bun:"pipeline"`
	Won        int64  `bun:"won"`
}

// recompute rescores the customers ids of the caller's tenant at now in tx
// and reports how many changed score, grade or key flag. Those changes are
// audited as the system's (in the request that caused them) but leave the
// version alone: it guards what people edit, and scoring writes only what
// no one edits (the manual key flag is read, never written), so a rescore
// never makes someone's If-Match stale.
func (s *Service) recompute(ctx context.Context, tx bun.Tx, ids []string, now time.Time) (int, error) {
	tenant := auth.From(ctx).TenantID
	m, err := s.modelOf(ctx, tx, tenant)
	if err != nil {
		return 0, err
	}
	var cs []scored
	if err := tx.NewSelect().Model(&cs).Where("c.tenant_id = ? AND c.id IN (?)", tenant, bun.In(ids)).Scan(ctx); err != nil {
		return 0, err
	}
	if len(cs) == 0 {
		return 0, nil
	}
	facts, err := behaviour(ctx, tx, tenant, m.Currency, ids, now)
	if err != nil {
		return 0, err
	}
	sys := auth.With(ctx, &auth.Principal{TenantID: tenant, UserID: "system", UserName: "system", Scope: auth.ScopeAll})
	changed := 0
	for i := range cs {
		c := &cs[i]
		f := facts[c.ID]
		f.Industry, f.Size, f.Region = c.Industry, c.Size, c.Region
		if c.RevenueCurrency == m.Currency {
			f.Revenue = c.AnnualRevenue
		}
		n := *c
		n.Score = Score(&m.ScoringModelInput, f)
		g := Grade(m.Grades, n.Score)
		n.Grade = &g
		n.KeyCustomer = Key(m.KeyCustomer, c.KeyCustomerManual, g, f.WonAmount)
		n.WonAmount, n.OpenPipeline, n.Activities90d = f.WonAmount, f.OpenPipeline, f.Activities90d
		t := now.UTC()
		n.ScoredAt = &t
		changes := audit.Diff(c, &n)
		q := tx.NewUpdate().Table("customers").Set("won_amount = ?, open_pipeline = ?, activities_90d = ?, scored_at = ?",
			n.WonAmount, n.OpenPipeline, n.Activities90d, t)
		if len(changes) > 0 {
			q = q.Set("score = ?, grade = ?, key_customer = ?", n.Score, g, n.KeyCustomer)
			changed++
		}
		if _, err := q.Where("id = ? AND tenant_id = ?", c.ID, tenant).Exec(ctx); err != nil {
			return changed, err
		}
		if err := audit.Record(sys, tx, audit.Update, "customer", c.ID, changes); err != nil {
			return changed, err
		}
	}
	return changed, nil
}

// behaviour computes the behaviour facts of customers ids: done activities
// on them, their contacts and their opportunities since now − 90 days, and
// their opportunities' open weighted amount (each amount × probability / 100
// rounded half up, as the funnel does) and won amount in the model's
// currency (other currencies are not converted and do not count).
func behaviour(ctx context.Context, tx bun.Tx, tenant, currency string, ids []string, now time.Time) (map[string]Facts, error) {
	out := map[string]Facts{}
	since := now.UTC().AddDate(0, 0, -90)
	var acts []metrics
	err := tx.NewRaw(`SELECT cid, COUNT(*) AS n FROM (
		SELECT a.subject_id AS cid FROM activities AS a
		WHERE a.tenant_id = ? AND a.status = 'done' AND a.occurred_at >= ? AND a.subject_type = 'customer' AND a.subject_id IN (?)
		UNION ALL
		SELECT ct.customer_id AS cid FROM activities AS a JOIN contacts AS ct ON ct.id = a.subject_id
		WHERE a.tenant_id = ? AND a.status = 'done' AND a.occurred_at >= ? AND a.subject_type = 'contact' AND ct.customer_id IN (?)
		UNION ALL
		SELECT o.customer_id AS cid FROM activities AS a JOIN opportunities AS o ON o.id = a.subject_id
		WHERE a.tenant_id = ? AND a.status = 'done' AND a.occurred_at >= ? AND a.subject_type = 'opportunity' AND o.customer_id IN (?)
	) AS x GROUP BY cid`, tenant, since, bun.In(ids), tenant, since, bun.In(ids), tenant, since, bun.In(ids)).Scan(ctx, &acts)
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		f := out[a.CustomerID]
		f.Activities90d = a.N
		out[a.CustomerID] = f
	}
	var money []metrics
	err = tx.NewRaw(`SELECT o.customer_id AS cid,
		CAST(COALESCE(SUM(CASE WHEN s.kind = 'open' THEN (o.amount * s.probability + 50) / 100 ELSE 0 END), 0) AS BIGINT) AS pipeline,
		CAST(COALESCE(SUM(CASE WHEN s.kind = 'won' THEN o.amount ELSE 0 END), 0) AS BIGINT) AS won
		FROM opportunities AS o JOIN stages AS s ON s.id = o.stage_id
		WHERE o.tenant_id = ? AND o.currency = ? AND o.customer_id IN (?) GROUP BY o.customer_id`,
		tenant, currency, bun.In(ids)).Scan(ctx, &money)
	if err != nil {
		return nil, err
	}
	for _, mo := range money {
		f := out[mo.CustomerID]
		f.OpenPipeline, f.WonAmount = mo.Pipeline, mo.Won
		out[mo.CustomerID] = f
	}
	return out, nil
}
