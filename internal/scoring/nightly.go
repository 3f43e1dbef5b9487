package scoring

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Nightly rescores every tenant's customers once per UTC day (activities
// age out of the 90-day window even when nothing changes). Each tenant's
// run is claimed by the key customer-scoring:{tenant}:{date} in job_runs,
// inserted in the same transaction as the whole tenant's recompute, so
// exactly one instance does it and a failed run leaves no key (the next
// tick retries). It reports how many tenant runs it did.
func (s *Service) Nightly(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	var tenants []string
	if err := s.DB.Read.NewSelect().Table("tenants").Column("id").OrderExpr("id").Scan(ctx, &tenants); err != nil {
		return 0, err
	}
	done := 0
	for _, t := range tenants {
		ran, err := s.nightlyTenant(ctx, t, now)
		if err != nil {
			return done, fmt.Errorf("customer scoring for tenant %s: %w", t, err)
		}
		if ran {
			done++
		}
	}
	return done, nil
}

func (s *Service) nightlyTenant(ctx context.Context, tenant string, now time.Time) (bool, error) {
	key := "customer-scoring:" + tenant + ":" + now.Format(time.DateOnly)
	ctx = auth.With(ctx, &auth.Principal{TenantID: tenant, UserID: "system", UserName: "system", Scope: auth.ScopeAll})
	ctx = httpx.WithRequestID(ctx, "job-"+key)
	ran := false
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ran = false
		res, err := tx.NewRaw("INSERT INTO job_runs (key, started_at, result) VALUES (?, ?, '') ON CONFLICT (key) DO NOTHING", key, now).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		ran = true
		changed, err := s.RecomputeAll(ctx, now)
		if err != nil {
			return err
		}
		_, err = tx.NewUpdate().Table("job_runs").Set("finished_at = ?", time.Now().UTC()).
			Set("result = ?", fmt.Sprintf("rescored customers, %d changed", changed)).Where("key = ?", key).Exec(ctx)
		return err
	})
	return ran, err
}
