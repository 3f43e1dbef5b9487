package pool

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Pool kinds. A pool holds either leads or customers; every rule of a pool
// (members, claim limit, clocks, cooldown) means the same for both, and a
// record only ever sits in, returns to or is claimed from a pool of its kind.
// Customer pools are switched off per tenant until someone with pool.manage
// turns the tenant setting customer_pools_enabled on: while off, customer
// pools cannot be made, customers cannot be claimed or returned, and the
// periodic job returns no customers. Switching it off again leaves pooled
// customers where they are (a manager can still hand them out by editing
// the customer's owner).
const (
	KindLeadPool     = "lead"
	KindCustomerPool = "customer"
)

// SettingCustomerPools names the tenant setting in messages.
const SettingCustomerPools = "customer_pools_enabled"

func kindOf(k string) string {
	if k == "" {
		return KindLeadPool
	}
	return k
}

// CustomerPoolSettings is the tenant's customer-pool switch.
type CustomerPoolSettings struct {
	Enabled bool `json:"enabled" doc:"Whether customer pools are in use in this company (off by default)."`
}

// CustomerPoolSettingsPatch switches customer pools on or off.
type CustomerPoolSettingsPatch struct {
	Enabled *bool `json:"enabled,omitempty" doc:"On or off (required)."`
}

// CustomerPoolsEnabled reads the tenant setting.
func CustomerPoolsEnabled(ctx context.Context, tx bun.IDB, tenantID string) (bool, error) {
	var on bool
	err := tx.NewSelect().Table("tenants").Column("customer_pools_enabled").Where("id = ?", tenantID).Scan(ctx, &on)
	return on, db.NotFound(err, "tenant")
}

// kindAllowed refuses a customer pool while the tenant setting is off.
func (s *Service) kindAllowed(ctx context.Context, kind string) error {
	if kind != KindCustomerPool {
		return nil
	}
	return s.customerPoolsOn(ctx)
}

// customerPoolsOn answers 409 naming the setting while it is off.
func (s *Service) customerPoolsOn(ctx context.Context) error {
	on, err := CustomerPoolsEnabled(ctx, s.DB.R(ctx), auth.From(ctx).TenantID)
	if err == nil && !on {
		return apperr.Conflict("customer pools are switched off for your company; someone with pool.manage can turn on %s "+
			"(PATCH /api/v1/settings/customer-pools)", SettingCustomerPools)
	}
	return err
}

// SetCustomerPools switches the tenant setting, with an audit entry when it
// changes.
func (s *Service) SetCustomerPools(ctx context.Context, in CustomerPoolSettingsPatch) (*CustomerPoolSettings, error) {
	if in.Enabled == nil {
		return nil, apperr.Invalid("body.enabled", "is required")
	}
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := CustomerPoolsEnabled(ctx, tx, p.TenantID)
		if err != nil || old == *in.Enabled {
			return err
		}
		if _, err := tx.NewUpdate().Table("tenants").Set("customer_pools_enabled = ?", *in.Enabled).
			Where("id = ?", p.TenantID).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "tenant", p.TenantID,
			[]audit.Change{{Field: SettingCustomerPools, Old: old, New: *in.Enabled}})
	})
	if err != nil {
		return nil, err
	}
	return &CustomerPoolSettings{Enabled: *in.Enabled}, nil
}

func registerCustomerPoolSettings(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "get-customer-pool-settings", Method: http.MethodGet,
		Path: "/api/v1/settings/customer-pools", Tags: []string{"pools"}, Summary: "Whether customer pools are switched on"},
		httpx.SignedIn, func(ctx context.Context, _ *struct{}) (*struct{ Body CustomerPoolSettings }, error) {
			on, err := CustomerPoolsEnabled(ctx, s.DB.R(ctx), auth.From(ctx).TenantID)
			return &struct{ Body CustomerPoolSettings }{Body: CustomerPoolSettings{Enabled: on}}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "update-customer-pool-settings", Method: http.MethodPatch,
		Path: "/api/v1/settings/customer-pools", Tags: []string{"pools"}, Summary: "Switch customer pools on or off",
		Description: "Off (the default): customer pools cannot be created, customers cannot be claimed or returned, " +
			"and the periodic return leaves customers alone. Switching off leaves pooled customers in their pools."},
		httpx.Perm("pool.manage"), func(ctx context.Context, in *struct{ Body CustomerPoolSettingsPatch }) (*struct{ Body CustomerPoolSettings }, error) {
			out, err := s.SetCustomerPools(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return &struct{ Body CustomerPoolSettings }{Body: *out}, nil
		})
}
