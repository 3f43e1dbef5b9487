package analytics

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Register mounts the analytics routes.
func Register(api huma.API, s *Service) {
	registerFunnel(api, s)
}

func registerFunnel(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "get-funnel", Method: http.MethodGet, Path: "/api/v1/analytics/funnel",
		Tags: []string{"analytics"}, Summary: "The sales funnel of a pipeline in my data scope",
		Description: "Over the opportunities of the pipeline (default: the default pipeline) created in [from, to) (UTC " +
			"dates) and in your data scope: per stage the opportunities now in it, their amount and weighted amount per " +
			"currency (minor units; weighted = the sum of each opportunity's amount × probability / 100 rounded half up), " +
			"and the conversion from the stage history: of the opportunities that ever entered an open stage, the share " +
			"that afterwards entered a later stage other than the lost one. Drill down with GET /api/v1/opportunities?" +
			"pipeline_id=&stage_id=&created_from=&created_to= ."}, httpx.Perm("analytics.read"),
		func(ctx context.Context, in *struct {
			PipelineID string `query:"pipeline_id" format:"uuid"`
			From       string `query:"from" format:"date" doc:"First creation day, YYYY-MM-DD (UTC)."`
			To         string `query:"to" format:"date" doc:"Day after the last creation day, YYYY-MM-DD (UTC)."`
		}) (*struct{ Body *Funnel }, error) {
			f, err := s.Funnel(ctx, FunnelFilter{PipelineID: in.PipelineID, From: in.From, To: in.To})
			if err != nil {
				return nil, err
			}
			return &struct{ Body *Funnel }{Body: f}, nil
		})
}
