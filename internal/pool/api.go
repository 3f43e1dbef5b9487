package pool

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

type leadPath struct {
	ID string `path:"id" format:"uuid" doc:"Lead id."`
}

// Register mounts the pool routes and the lead claim and return actions.
func Register(api huma.API, s *Service) {
	read, manage := httpx.Perm("lead.read"), httpx.Perm("pool.manage")
	httpx.Register(api, huma.Operation{OperationID: "list-pools", Method: http.MethodGet, Path: "/api/v1/pools",
		Tags: []string{"pools"}, Summary: "List the pools of my departments and the pools I am a member of"}, read,
		func(ctx context.Context, in *struct {
			DepartmentID string `query:"department_id" format:"uuid"`
			Kind         string `query:"kind" enum:"lead,customer" doc:"Only pools of this kind."`
			httpx.PageParams
		}) (*struct{ Body httpx.Page[Pool] }, error) {
			page, err := s.List(ctx, ListFilter{DepartmentID: in.DepartmentID, Kind: in.Kind}, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Pool] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-pool", Method: http.MethodPost, Path: "/api/v1/pools",
		Tags: []string{"pools"}, Summary: "Create a pool for a department in my data scope", DefaultStatus: http.StatusCreated,
		Errors: []int{409}}, manage,
		func(ctx context.Context, in *struct{ Body PoolInput }) (*httpx.One[Pool], error) {
			return httpx.Answer(s.Create(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-pool", Method: http.MethodGet, Path: "/api/v1/pools/{id}",
		Tags: []string{"pools"}, Summary: "Get a pool"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[Pool], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-pool", Method: http.MethodPatch, Path: "/api/v1/pools/{id}",
		Tags: []string{"pools"}, Summary: "Change a pool's rules or members", Errors: []int{409, 412}}, manage,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body PoolPatch
		}) (*httpx.One[Pool], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-pool", Method: http.MethodDelete, Path: "/api/v1/pools/{id}",
		Tags: []string{"pools"}, Summary: "Delete an empty pool", DefaultStatus: http.StatusNoContent, Errors: []int{409, 412}}, manage,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	httpx.Register(api, huma.Operation{OperationID: "list-pool-leads", Method: http.MethodGet, Path: "/api/v1/pools/{id}/leads",
		Tags: []string{"pools"}, Summary: "The leads in a pool, newest first",
		Description: "Contact details (phone, email, WeChat) are left out: they come with the lead once claimed."}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Pool id."`
			httpx.PageParams
		}) (*struct{ Body httpx.Page[PoolLead] }, error) {
			page, err := s.Leads(ctx, in.ID, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[PoolLead] }{Body: page}, err
		})
	audit.RegisterHistory(api, s.DB, "pools", "pool", read, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	})

	write := httpx.Perm("lead.write")
	httpx.Register(api, huma.Operation{OperationID: "claim-lead", Method: http.MethodPost, Path: "/api/v1/leads/{id}/claim",
		Tags: []string{"pools"}, Summary: "Claim a lead from a pool I am a member of", Errors: []int{409},
		Description: "409 names the rule that refuses: the lead is not pooled, someone else claimed it first, " +
			"claim_limit (you hold too many open leads) or reclaim_cooldown_days (it was returned from you too recently)."}, write,
		func(ctx context.Context, in *leadPath) (*struct{ Body *Ownership }, error) {
			o, err := s.Claim(ctx, in.ID)
			return &struct{ Body *Ownership }{Body: o}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "return-lead", Method: http.MethodPost, Path: "/api/v1/leads/{id}/return",
		Tags: []string{"pools"}, Summary: "Return a lead to its pool", Errors: []int{409},
		Description: "To the lead's last pool while it is enabled, else to the nearest enabled pool of its department " +
			"or above; 409 when there is none. The owner may return a lead; so may a caller with lead.assign."}, write,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" format:"uuid" doc:"Lead id."`
			Body struct {
				Reason string `json:"reason,omitempty" maxLength:"200" doc:"Why the lead goes back (required)."`
			}
		}) (*struct{ Body *Ownership }, error) {
			o, err := s.Return(ctx, in.ID, in.Body.Reason)
			return &struct{ Body *Ownership }{Body: o}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "list-lead-pool-events", Method: http.MethodGet, Path: "/api/v1/leads/{id}/pool-events",
		Tags: []string{"pools"}, Summary: "Every claim, return and assignment of a lead, newest first"}, read,
		func(ctx context.Context, in *leadPath) (*struct{ Body httpx.Page[PoolEvent] }, error) {
			ev, err := s.Events(ctx, in.ID)
			return &struct{ Body httpx.Page[PoolEvent] }{Body: httpx.Page[PoolEvent]{Items: ev}}, err
		})
	registerCustomerPools(api, s)
}
