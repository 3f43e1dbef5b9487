// Package jobs runs Rudder's periodic jobs. Every instance runs the same
// small scheduler; a job's run is claimed by a key in job_runs (e.g.
// lead-return:{pool}:{date}), inserted in the same transaction as the run's
// work, so exactly one instance does each run: the others' inserts find the
// key taken and skip it, and a run that fails leaves no key behind, so the
// next tick tries again.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/pool"
	"github.com/rudder-crm/rudder/internal/scoring"
)

// Tick is how often the scheduler looks for due runs.
const Tick = time.Minute

// Scheduler runs the periodic jobs.
type Scheduler struct {
	DB  *db.DB
	Log *slog.Logger
}

// Run ticks until ctx ends: once at start, then every Tick.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(Tick)
	defer t.Stop()
	for {
		if n, err := s.RunDue(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.Log.Error("periodic jobs", "err", err)
		} else if n > 0 {
			s.Log.Info("periodic jobs", "runs", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue does every run due at now that no instance has done yet and
// reports how many it did. Lead returns run per UTC day; due activity
// reminders go to the inbox on every tick (see activity.SendReminders for
// how each is sent exactly once) and do not count as runs.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) (int, error) {
	if n, err := activity.SendReminders(ctx, s.DB, now); err != nil {
		return 0, fmt.Errorf("activity reminders: %w", err)
	} else if n > 0 {
		s.Log.Info("activity reminders", "sent", n)
	}
	var pools []pool.Pool
	err := s.DB.Read.NewSelect().Model(&pools).
		Where("p.kind = ? AND p.enabled = ? AND (p.return_after_days_no_follow_up > 0 OR p.return_after_days_no_conversion > 0)",
			pool.KindLeadPool, true).
		OrderExpr("p.id").Scan(ctx)
	if err != nil {
		return 0, err
	}
	// A run that fails leaves no key and is tried again next tick; it does
	// not hold up the other pools' runs, nor the other jobs.
	done, errs := 0, []error{}
	if ran, err := s.rekeyCompanies(ctx, now.UTC()); err != nil {
		errs = append(errs, fmt.Errorf("company keys: %w", err))
	} else if ran {
		done++
	}
	for i := range pools {
		ran, err := s.returnLeads(ctx, &pools[i], now.UTC())
		if err != nil {
			errs = append(errs, fmt.Errorf("lead return for pool %s: %w", pools[i].ID, err))
		} else if ran {
			done++
		}
	}
	// Customer pools (switched off by default) run the same way, per pool and day.
	n, err := pool.ReturnCustomers(ctx, s.DB, s.Log, now)
	errs = append(errs, err)
	// Customer scores, once per tenant and UTC day (scoring.Service.Nightly).
	m, err := (&scoring.Service{DB: s.DB}).Nightly(ctx, now)
	return done + n + m, errors.Join(append(errs, err)...)
}

// claim inserts a run key in tx; false means another run has it.
func claim(ctx context.Context, tx bun.Tx, key string, now time.Time) (bool, error) {
	res, err := tx.NewRaw("INSERT INTO job_runs (key, started_at, result) VALUES (?, ?, '') ON CONFLICT (key) DO NOTHING", key, now).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// returnLeads is the daily auto-return of one pool: every open lead the
// pool governs (pool.Sweepable: owned by a rep, in its department or below,
// no nearer pool), with no follow-up for N days (since the later of its
// last follow-up and its assignment) or
// not converted M days after its assignment, goes back to the pool, with an
// auto_return event and an audit entry by "system".
func (s *Scheduler) returnLeads(ctx context.Context, pl *pool.Pool, now time.Time) (bool, error) {
	key := "lead-return:" + pl.ID + ":" + now.Format(time.DateOnly)
	ctx = auth.With(ctx, &auth.Principal{TenantID: pl.TenantID, UserID: "system", UserName: "system", Scope: auth.ScopeAll})
	ctx = httpx.WithRequestID(ctx, "job-"+key)
	ran, returned := false, 0
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ran, returned = false, 0
		ok, err := claim(ctx, tx, key, now)
		if err != nil || !ok {
			return err
		}
		ran = true
		var path string
		if err := tx.NewSelect().Table("departments").Column("path").Where("id = ?", pl.DepartmentID).Scan(ctx, &path); err != nil {
			return err
		}
		q := tx.NewSelect().TableExpr("leads AS l").
			Column("l.id", "l.tenant_id", "l.owner_id", "l.pool_id", "l.department_id", "l.status", "l.version").
			Join("JOIN users AS u ON u.id = l.owner_id").Join("JOIN roles AS ro ON ro.id = u.role_id").
			Join("JOIN departments AS d ON d.id = l.department_id").
			Where("l.tenant_id = ? AND l.status IN (?)", pl.TenantID, bun.In(pool.OpenStatuses))
		q = pool.Sweepable(q, pl, path)
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			if n := pl.ReturnAfterDaysNoFollowUp; n > 0 {
				// The clock runs from the later of the last follow-up and the
				// assignment: a lead just claimed or assigned gets its N days
				// whenever its previous owner last called.
				cut := now.AddDate(0, 0, -n)
				q = q.WhereOr("((l.last_follow_up_at IS NULL OR l.last_follow_up_at < ?) AND COALESCE(l.assigned_at, l.created_at) < ?)", cut, cut)
			}
			if m := pl.ReturnAfterDaysNoConversion; m > 0 {
				q = q.WhereOr("COALESCE(l.assigned_at, l.created_at) < ?", now.AddDate(0, 0, -m))
			}
			return q
		})
		var leads []pool.LeadState
		if err := q.OrderExpr("l.id").Scan(ctx, &leads); err != nil {
			return err
		}
		for i := range leads {
			l := &leads[i]
			err := pool.Apply(ctx, s.DB, pool.Move{Lead: l, Kind: pool.KindAutoReturn, ToPool: &pl.ID, ToDept: &pl.DepartmentID,
				Reason: fmt.Sprintf("no follow-up for %d days or not converted %d days after assignment (0: rule off)",
					pl.ReturnAfterDaysNoFollowUp, pl.ReturnAfterDaysNoConversion)})
			if errors.Is(err, pool.ErrMoved) {
				continue // claimed, returned or reassigned meanwhile: not ours to return
			} else if err != nil {
				return err
			}
			returned++
		}
		_, err = tx.NewUpdate().Table("job_runs").Set("finished_at = ?", time.Now().UTC()).
			Set("result = ?", fmt.Sprintf("returned %d leads", returned)).Where("key = ?", key).Exec(ctx)
		return err
	})
	if err == nil && ran {
		s.Log.Info("lead return", "pool", pl.ID, "tenant", pl.TenantID, "returned", returned)
	}
	return ran, err
}

// companyKeyRun names the company-name normalisation in force: when it
// changes, the stored keys of the names it reads differently are derived
// again, once across instances. Version 2 drops a bracketed region
// anywhere in a name (华为技术（深圳）有限公司 = 华为技术有限公司), not only at
// its start; only names with a bracket can have changed.
const companyKeyRun = "company-key:2"

// rekeyCompanies brings the company keys of leads and customers (a
// customer's name is its company) to the current normalisation. Keys are
// derived, not fields of the record: no version, no audit entry.
func (s *Scheduler) rekeyCompanies(ctx context.Context, now time.Time) (bool, error) {
	ran, changed := false, 0
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ran, changed = false, 0
		ok, err := claim(ctx, tx, companyKeyRun, now)
		if err != nil || !ok {
			return err
		}
		ran = true
		for _, t := range []struct{ table, col string }{{"leads", "company"}, {"customers", "name"}} {
			var rows []struct {
				ID   string `bun:"id"`
				Name string `bun:"name"`
				Key  string `bun:"company_key"`
			}
			err := tx.NewSelect().Table(t.table).Column("id", "company_key").ColumnExpr("? AS name", bun.Ident(t.col)).
				Where("? LIKE '%(%' OR ? LIKE '%（%'", bun.Ident(t.col), bun.Ident(t.col)).Scan(ctx, &rows)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if k := lead.CompanyKey(r.Name); k != r.Key {
					if _, err := tx.NewUpdate().Table(t.table).Set("company_key = ?", k).Where("id = ?", r.ID).Exec(ctx); err != nil {
						return err
					}
					changed++
				}
			}
		}
		_, err = tx.NewUpdate().Table("job_runs").Set("finished_at = ?", time.Now().UTC()).
			Set("result = ?", fmt.Sprintf("%d company keys derived again", changed)).Where("key = ?", companyKeyRun).Exec(ctx)
		return err
	})
	if err == nil && ran && changed > 0 {
		s.Log.Info("company keys", "changed", changed)
	}
	return ran, err
}
