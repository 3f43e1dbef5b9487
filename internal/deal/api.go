package deal

import (
	"context"
	"errors"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

type opportunityListInput struct {
	Q                string `query:"q" maxLength:"100" doc:"Matches the opportunity's or the customer's name."`
	PipelineID       string `query:"pipeline_id" format:"uuid"`
	StageID          string `query:"stage_id" format:"uuid" doc:"With created_from/created_to, the funnel's drill-down into a stage."`
	CreatedFrom      string `query:"created_from" format:"date" doc:"Created on or after this UTC day (the funnel's from)."`
	CreatedTo        string `query:"created_to" format:"date" doc:"Created before this UTC day (the funnel's to)."`
	OwnerID          string `query:"owner_id" format:"uuid"`
	DepartmentID     string `query:"department_id" format:"uuid" doc:"Owned within this department or its sub-departments (a team)."`
	CustomerID       string `query:"customer_id" format:"uuid"`
	CloseMonth       string `query:"close_month" pattern:"^[0-9]{4}-[0-9]{2}$" patternDescription:"YYYY-MM" doc:"Expected to close in this month."`
	ForecastCategory string `query:"forecast_category" enum:"pipeline,best_case,commit,closed,omitted"`
	Stalled          string `query:"stalled" enum:"true,false"`
	Sort             string `query:"sort" enum:"created_at,-created_at,expected_close,-expected_close,amount,-amount" default:"-created_at"`
	httpx.PageParams
}

// GateProblem is the 409 of a refused forward move: errors[] names each
// open required task as "stage: task", and missing_tasks gives their ids,
// so a client ticks them without matching names.
type GateProblem struct {
	huma.ErrorModel
	MissingTasks []MissingTask `json:"missing_tasks,omitempty" doc:"The open required tasks, in stage order (absent from the other 409, a lost opportunity moved straight to won)."`
}

func gateProblem(e *GateError) error {
	p := &GateProblem{ErrorModel: huma.ErrorModel{Title: http.StatusText(http.StatusConflict), Status: http.StatusConflict,
		Detail: e.Error()}, MissingTasks: e.Missing}
	for _, m := range e.Missing {
		p.Errors = append(p.Errors, &huma.ErrorDetail{Message: "required task not done: " + m.Stage + ": " + m.Task,
			Location: "body.stage_id", Value: m.Stage + ": " + m.Task})
	}
	return p
}

// gateResponses documents the 409 GateProblem of a stage move.
func gateResponses(api huma.API) map[string]*huma.Response {
	registry := api.OpenAPI().Components.Schemas
	return map[string]*huma.Response{"409": {Description: "Required tasks are not done (or a lost opportunity moved straight to won)",
		Content: map[string]*huma.MediaType{"application/problem+json": {
			Schema: registry.Schema(reflect.TypeFor[GateProblem](), true, "GateProblem")}}}}
}

// Register mounts the pipeline and opportunity routes.
func Register(api huma.API, s *Service) {
	registerPipelines(api, s)
	registerOpportunities(api, s)
}

func registerPipelines(api huma.API, s *Service) {
	read, manage := httpx.Perm("deal.read"), httpx.Perm("pipeline.manage")
	httpx.Register(api, huma.Operation{OperationID: "list-pipelines", Method: http.MethodGet, Path: "/api/v1/pipelines",
		Tags: []string{"pipelines"}, Summary: "List the pipelines with their stages, the default first"}, read,
		func(ctx context.Context, _ *struct{}) (*struct{ Body httpx.Page[Pipeline] }, error) {
			ps, err := s.Pipelines(ctx)
			return &struct{ Body httpx.Page[Pipeline] }{Body: httpx.Page[Pipeline]{Items: ps}}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-pipeline", Method: http.MethodPost, Path: "/api/v1/pipelines",
		Tags: []string{"pipelines"}, Summary: "Create a pipeline with its stages", DefaultStatus: http.StatusCreated,
		Errors: []int{409}}, manage,
		func(ctx context.Context, in *struct{ Body PipelineInput }) (*httpx.One[Pipeline], error) {
			return httpx.Answer(s.CreatePipeline(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-pipeline", Method: http.MethodGet, Path: "/api/v1/pipelines/{id}",
		Tags: []string{"pipelines"}, Summary: "Get a pipeline with its stages"}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Pipeline id."`
		}) (*httpx.One[Pipeline], error) {
			return httpx.Answer(s.Pipeline(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-pipeline", Method: http.MethodPatch, Path: "/api/v1/pipelines/{id}",
		Tags: []string{"pipelines"}, Summary: "Rename a pipeline, make it the default or change its stages", Errors: []int{409, 412}}, manage,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body PipelinePatch
		}) (*httpx.One[Pipeline], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.UpdatePipeline(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-pipeline", Method: http.MethodDelete, Path: "/api/v1/pipelines/{id}",
		Tags: []string{"pipelines"}, Summary: "Delete a pipeline no opportunity uses", DefaultStatus: http.StatusNoContent,
		Errors: []int{409, 412}, Description: "Takes If-Match. The default pipeline and pipelines with opportunities are kept: 409."}, manage,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.DeletePipeline(ctx, in.ID, v)
		})
	audit.RegisterHistory(api, s.DB, "pipelines", "pipeline", read, func(ctx context.Context, id string) error {
		_, err := s.Pipeline(ctx, id)
		return err
	})
}

func registerOpportunities(api huma.API, s *Service) {
	read, write := httpx.Perm("deal.read"), httpx.Perm("deal.write")
	httpx.Register(api, huma.Operation{OperationID: "list-opportunities", Method: http.MethodGet, Path: "/api/v1/opportunities",
		Tags: []string{"opportunities"}, Summary: "List opportunities in my data scope",
		Description: "Each item carries weighted_amount (amount × stage probability / 100, rounded half up to a minor unit) " +
			"and stalled. The funnel's drill-down is this list filtered by pipeline_id and stage_id."}, read,
		func(ctx context.Context, in *opportunityListInput) (*struct{ Body httpx.Page[Opportunity] }, error) {
			f := Filter{Q: in.Q, PipelineID: in.PipelineID, StageID: in.StageID, OwnerID: in.OwnerID, DepartmentID: in.DepartmentID, CustomerID: in.CustomerID,
				CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo, CloseMonth: in.CloseMonth, ForecastCategory: in.ForecastCategory, Sort: in.Sort}
			if in.Stalled != "" {
				b := in.Stalled == "true"
				f.Stalled = &b
			}
			page, err := s.List(ctx, f, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Opportunity] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "get-opportunity-stage-totals", Method: http.MethodGet,
		Path: "/api/v1/opportunities/stage-totals", Tags: []string{"opportunities"},
		Summary: "Count, amount and weighted amount per stage of a pipeline's opportunities in my data scope",
		Description: "The board's column headers: over the opportunities the board list shows with the same pipeline_id " +
			"(default: the default pipeline), owner_id, department_id and close_month, every stage's count and, per " +
			"currency, the sum of amounts and of weighted amounts (minor units; never added across currencies)."}, read,
		func(ctx context.Context, in *struct {
			PipelineID   string `query:"pipeline_id" format:"uuid"`
			OwnerID      string `query:"owner_id" format:"uuid"`
			DepartmentID string `query:"department_id" format:"uuid" doc:"Owned within this department or its sub-departments (a team)."`
			CloseMonth   string `query:"close_month" pattern:"^[0-9]{4}-[0-9]{2}$" patternDescription:"YYYY-MM" doc:"Expected to close in this month."`
		}) (*struct{ Body *PipelineTotals }, error) {
			t, err := s.StageTotals(ctx, StageTotalsFilter{PipelineID: in.PipelineID, OwnerID: in.OwnerID,
				DepartmentID: in.DepartmentID, CloseMonth: in.CloseMonth})
			if err != nil {
				return nil, err
			}
			return &struct{ Body *PipelineTotals }{Body: t}, nil
		})
	httpx.Register(api, huma.Operation{OperationID: "create-opportunity", Method: http.MethodPost, Path: "/api/v1/opportunities",
		Tags: []string{"opportunities"}, Summary: "Create an opportunity", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *struct{ Body OpportunityInput }) (*httpx.One[Opportunity], error) {
			return httpx.Answer(s.Create(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-opportunity", Method: http.MethodGet, Path: "/api/v1/opportunities/{id}",
		Tags: []string{"opportunities"}, Summary: "Get an opportunity"}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Opportunity id."`
		}) (*httpx.One[Opportunity], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-opportunity", Method: http.MethodPatch, Path: "/api/v1/opportunities/{id}",
		Tags: []string{"opportunities"}, Summary: "Change an opportunity (not its stage)", Errors: []int{412}}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body OpportunityPatch
		}) (*httpx.One[Opportunity], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-opportunity", Method: http.MethodDelete, Path: "/api/v1/opportunities/{id}",
		Tags: []string{"opportunities"}, Summary: "Delete an opportunity", DefaultStatus: http.StatusNoContent, Errors: []int{412},
		Description: "Takes If-Match. Its contacts, tasks and stage history go with it."}, write,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	httpx.Register(api, huma.Operation{OperationID: "move-opportunity-stage", Method: http.MethodPost,
		Path: "/api/v1/opportunities/{id}/stage", Tags: []string{"opportunities"}, Summary: "Move an opportunity to another stage",
		Errors: []int{412}, Responses: gateResponses(api),
		Description: "Takes If-Match. Moving forward is refused with 409 while a required task of the current stage (or of a " +
			"stage skipped over) is open; errors[] names each, and missing_tasks gives each one's stage_id and task_id. Backward moves and losing are always allowed; a lost stage " +
			"needs loss_reason (or an existing win_loss_reason). Won sets forecast_category closed, lost omitted."}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body StageMoveInput
		}) (*httpx.One[Opportunity], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			o, err := s.Move(ctx, in.ID, v, in.Body)
			if ge := (*GateError)(nil); errors.As(err, &ge) {
				return nil, gateProblem(ge)
			}
			return httpx.Answer(o, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "list-opportunity-tasks", Method: http.MethodGet,
		Path: "/api/v1/opportunities/{id}/tasks", Tags: []string{"opportunities"}, Summary: "The required tasks of an opportunity's stages"}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Opportunity id."`
		}) (*struct{ Body httpx.Page[OpportunityTask] }, error) {
			ts, err := s.Tasks(ctx, in.ID)
			return &struct{ Body httpx.Page[OpportunityTask] }{Body: httpx.Page[OpportunityTask]{Items: ts}}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "complete-opportunity-task", Method: http.MethodPost,
		Path: "/api/v1/opportunities/{id}/tasks/{task_id}/done", Tags: []string{"opportunities"}, Summary: "Tick a required task",
		Description: "Ticking a done task again changes nothing."}, write,
		func(ctx context.Context, in *struct {
			ID     string `path:"id" format:"uuid" doc:"Opportunity id."`
			TaskID string `path:"task_id" maxLength:"36" doc:"Task id."`
		}) (*struct{ Body *OpportunityTask }, error) {
			t, err := s.Done(ctx, in.ID, in.TaskID)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *OpportunityTask }{Body: t}, nil
		})
	httpx.Register(api, huma.Operation{OperationID: "list-opportunity-stage-history", Method: http.MethodGet,
		Path: "/api/v1/opportunities/{id}/stage-history", Tags: []string{"opportunities"},
		Summary: "The stages an opportunity entered, oldest first, with time and actor"}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Opportunity id."`
		}) (*struct{ Body httpx.Page[StageMove] }, error) {
			ms, err := s.StageHistory(ctx, in.ID)
			return &struct{ Body httpx.Page[StageMove] }{Body: httpx.Page[StageMove]{Items: ms}}, err
		})
	audit.RegisterHistory(api, s.DB, "opportunities", "opportunity", read, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	})
}
