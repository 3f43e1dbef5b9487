package scoring

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Register mounts the scoring model and customer matrix routes.
func Register(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "get-scoring-model", Method: http.MethodGet, Path: "/api/v1/scoring-model",
		Tags: []string{"scoring"}, Summary: "The tenant's customer scoring model",
		Description: "A tenant that never saved a model scores with the built-in default (default: true, version 1)."},
		httpx.Perm("customer.read"), func(ctx context.Context, _ *struct{}) (*httpx.One[ScoringModel], error) {
			return httpx.Answer(s.Model(ctx))
		})
	httpx.Register(api, huma.Operation{OperationID: "put-scoring-model", Method: http.MethodPut, Path: "/api/v1/scoring-model",
		Tags: []string{"scoring"}, Summary: "Replace the customer scoring model", Errors: []int{412},
		Description: "Takes If-Match with the model's version. score = matched points × 100 / max_points rounded half up " +
			"(0–100); grade A at ≥ grades.a, B at ≥ grades.b, C at ≥ grades.c, else D; key customer by key_customer " +
			"unless a person set the customer's flag. Every customer of the tenant is rescored before the answer."},
		httpx.Perm("scoring.manage"), func(ctx context.Context, in *struct {
			IfMatch string `header:"If-Match" required:"true" doc:"The model's version, from its ETag."`
			Body    ScoringModelInput
		}) (*httpx.One[ScoringModel], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.SaveModel(ctx, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "list-scoring-model-history", Method: http.MethodGet,
		Path: "/api/v1/scoring-model/history", Tags: []string{"scoring"}, Summary: "Changes of the scoring model, newest first"},
		httpx.Perm("customer.read"), func(ctx context.Context, in *struct{ httpx.PageParams }) (*struct {
			Body httpx.Page[audit.Entry]
		}, error) {
			page, err := audit.Search(ctx, s.DB, audit.Filter{ObjectType: "scoring_model", ObjectID: auth.From(ctx).TenantID}, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[audit.Entry] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "get-customer-matrix", Method: http.MethodGet,
		Path: "/api/v1/analytics/customer-matrix", Tags: []string{"analytics"}, Summary: "Customers by value × potential",
		Description: "The customers in your data scope in a 3×3 grid: value is the won amount, potential the open " +
			"weighted pipeline (each open opportunity's amount × stage probability / 100, rounded half up), both in the " +
			"scoring model's currency as of the customer's last scoring (on every change and nightly). The bands are " +
			"the model's matrix bounds [lo, hi]: low < lo ≤ medium < hi ≤ high. Each cell's filter lists it with " +
			"GET /api/v1/customers?{filter}."},
		httpx.Perm("analytics.read"), func(ctx context.Context, _ *struct{}) (*struct{ Body *CustomerMatrix }, error) {
			m, err := s.Matrix(ctx)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *CustomerMatrix }{Body: m}, nil
		})
}
