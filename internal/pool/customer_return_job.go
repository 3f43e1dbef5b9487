package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// ReturnCustomers is the daily automatic return of customers, run by the
// periodic jobs on every tick: for each enabled customer pool with a clock,
// of a tenant whose customer pools are switched on, once per UTC day across
// instances (the run key customer-return:{pool}:{date} goes into job_runs
// in the same transaction as the returns, as for leads). It reports how
// many runs it did.
func ReturnCustomers(ctx context.Context, d *db.DB, log *slog.Logger, now time.Time) (int, error) {
	var pools []Pool
	err := d.Read.NewSelect().Model(&pools).ColumnExpr("p.*").Join("JOIN tenants AS t ON t.id = p.tenant_id").
		Where("p.kind = ? AND p.enabled = ? AND t.customer_pools_enabled = ?", KindCustomerPool, true, true).
		Where("p.return_after_days_no_follow_up > 0 OR p.return_after_days_no_conversion > 0").
		OrderExpr("p.id").Scan(ctx)
	if err != nil {
		return 0, err
	}
	done, errs := 0, []error{}
	for i := range pools {
		ran, err := returnPoolCustomers(ctx, d, log, &pools[i], now.UTC())
		if err != nil {
			errs = append(errs, fmt.Errorf("customer return for pool %s: %w", pools[i].ID, err))
		} else if ran {
			done++
		}
	}
	return done, errors.Join(errs...)
}

// claimRun inserts a run key in tx; false means another run has it.
func claimRun(ctx context.Context, tx bun.Tx, key string, now time.Time) (bool, error) {
	res, err := tx.NewRaw("INSERT INTO job_runs (key, started_at, result) VALUES (?, ?, '') ON CONFLICT (key) DO NOTHING", key, now).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// returnPoolCustomers is one pool's daily run: every customer the pool
// governs (see Sweepable: owned by a rep, in its department or below, no
// nearer pool), with no follow-up for N days (since
// the later of its last activity and its assignment, or its creation)
// or without a won opportunity M days after its assignment, goes back to the
// pool with its contacts, an auto_return event and an audit entry by
// "system". The setting is read again inside the run's transaction, so a
// tenant that has just switched customer pools off loses nothing.
func returnPoolCustomers(ctx context.Context, d *db.DB, log *slog.Logger, pl *Pool, now time.Time) (bool, error) {
	key := "customer-return:" + pl.ID + ":" + now.Format(time.DateOnly)
	ctx = auth.With(ctx, &auth.Principal{TenantID: pl.TenantID, UserID: "system", UserName: "system", Scope: auth.ScopeAll})
	ctx = httpx.WithRequestID(ctx, "job-"+key)
	ran, returned := false, 0
	err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ran, returned = false, 0
		if on, err := CustomerPoolsEnabled(ctx, tx, pl.TenantID); err != nil || !on {
			return err
		}
		ok, err := claimRun(ctx, tx, key, now)
		if err != nil || !ok {
			return err
		}
		ran = true
		customers, err := dueCustomers(ctx, tx, pl, now)
		if err != nil {
			return err
		}
		for i := range customers {
			err := ApplyCustomer(ctx, d, CustomerMove{Customer: &customers[i], Kind: KindAutoReturn, ToPool: &pl.ID,
				ToDept: &pl.DepartmentID, Reason: fmt.Sprintf("no follow-up for %d days or no won deal %d days after assignment (0: rule off)",
					pl.ReturnAfterDaysNoFollowUp, pl.ReturnAfterDaysNoConversion)})
			if errors.Is(err, ErrMoved) {
				continue // claimed, returned or handed over meanwhile: not ours to return
			} else if err != nil {
				return err
			}
			returned++
		}
		_, err = tx.NewUpdate().Table("job_runs").Set("finished_at = ?", time.Now().UTC()).
			Set("result = ?", fmt.Sprintf("returned %d customers", returned)).Where("key = ?", key).Exec(ctx)
		return err
	})
	if err == nil && ran && log != nil {
		log.Info("customer return", "pool", pl.ID, "tenant", pl.TenantID, "returned", returned)
	}
	return ran, err
}

// dueCustomers selects the customers a pool's clocks return at now.
func dueCustomers(ctx context.Context, tx bun.Tx, pl *Pool, now time.Time) ([]CustomerState, error) {
	var path string
	if err := tx.NewSelect().Table("departments").Column("path").Where("id = ?", pl.DepartmentID).Scan(ctx, &path); err != nil {
		return nil, err
	}
	q := tx.NewSelect().TableExpr("customers AS c").Column(customerStateCols...).
		Join("JOIN users AS u ON u.id = c.owner_id").Join("JOIN roles AS ro ON ro.id = u.role_id").
		Join("JOIN departments AS d ON d.id = c.department_id").
		Where("c.tenant_id = ?", pl.TenantID)
	q = Sweepable(q, pl, path)
	q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		if n := pl.ReturnAfterDaysNoFollowUp; n > 0 {
			// The clock runs from the later of the last activity and the
			// assignment: a customer just handed to someone (claimed, assigned,
			// offboarded to them) gets its N days whatever its last owner did.
			cut := now.AddDate(0, 0, -n)
			q = q.WhereOr("((c.last_activity_at IS NULL OR c.last_activity_at < ?) AND COALESCE(c.assigned_at, c.created_at) < ?)", cut, cut)
		}
		if m := pl.ReturnAfterDaysNoConversion; m > 0 {
			q = q.WhereOr("(COALESCE(c.assigned_at, c.created_at) < ? AND NOT EXISTS (SELECT 1 FROM opportunities AS o "+
				"JOIN stages AS st ON st.id = o.stage_id WHERE o.customer_id = c.id AND st.kind = 'won'))", now.AddDate(0, 0, -m))
		}
		return q
	})
	var out []CustomerState
	err := q.OrderExpr("c.id").Scan(ctx, &out)
	return out, err
}
