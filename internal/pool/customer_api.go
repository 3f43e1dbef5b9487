package pool

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

type customerPath struct {
	ID string `path:"id" format:"uuid" doc:"Customer id."`
}

// CustomerReturnInput is the body of a customer return.
type CustomerReturnInput struct {
	Reason string `json:"reason,omitempty" maxLength:"200" doc:"Why the customer goes back (required)."`
}

// registerCustomerPools mounts the customer pool routes and the setting.
func registerCustomerPools(api huma.API, s *Service) {
	registerCustomerPoolSettings(api, s)
	read, write := httpx.Perm("customer.read"), httpx.Perm("customer.write")
	httpx.Register(api, huma.Operation{OperationID: "list-pool-customers", Method: http.MethodGet, Path: "/api/v1/pools/{id}/customers",
		Tags: []string{"pools"}, Summary: "The customers in a customer pool, newest first",
		Description: "Phone, email and address are left out: they come with the customer once claimed."}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Pool id."`
			httpx.PageParams
		}) (*struct{ Body httpx.Page[PoolCustomer] }, error) {
			page, err := s.Customers(ctx, in.ID, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[PoolCustomer] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "claim-customer", Method: http.MethodPost, Path: "/api/v1/customers/{id}/claim",
		Tags: []string{"pools"}, Summary: "Claim a customer from a customer pool I am a member of", Errors: []int{409},
		Description: "409 while customer pools are switched off (setting customer_pools_enabled), and when a rule refuses: " +
			"the customer is not pooled, someone else claimed it first, claim_limit (you own too many customers) or " +
			"reclaim_cooldown_days (it was returned from you too recently)."}, write,
		func(ctx context.Context, in *customerPath) (*struct{ Body *CustomerOwnership }, error) {
			o, err := s.ClaimCustomer(ctx, in.ID)
			return &struct{ Body *CustomerOwnership }{Body: o}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "return-customer", Method: http.MethodPost, Path: "/api/v1/customers/{id}/return",
		Tags: []string{"pools"}, Summary: "Return a customer to a customer pool", Errors: []int{409},
		Description: "To the customer's last pool while it is enabled, else to the nearest enabled customer pool of its " +
			"department or above; 409 when there is none or while customer pools are switched off. The owner may return " +
			"a customer; so may a caller with pool.manage. Its contacts go along."}, write,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" format:"uuid" doc:"Customer id."`
			Body CustomerReturnInput
		}) (*struct{ Body *CustomerOwnership }, error) {
			o, err := s.ReturnCustomer(ctx, in.ID, in.Body.Reason)
			return &struct{ Body *CustomerOwnership }{Body: o}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "list-customer-pool-events", Method: http.MethodGet,
		Path: "/api/v1/customers/{id}/pool-events", Tags: []string{"pools"},
		Summary: "Every claim, return and assignment of a customer, newest first"}, read,
		func(ctx context.Context, in *customerPath) (*struct{ Body httpx.Page[CustomerPoolEvent] }, error) {
			ev, err := s.CustomerEvents(ctx, in.ID)
			return &struct{ Body httpx.Page[CustomerPoolEvent] }{Body: httpx.Page[CustomerPoolEvent]{Items: ev}}, err
		})
}
