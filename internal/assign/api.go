package assign

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Register mounts the assignment-rule routes and the lead assign action.
func Register(api huma.API, s *Service) {
	read, manage := httpx.Perm("lead.assign"), httpx.Perm("assignment.manage")
	httpx.Register(api, huma.Operation{OperationID: "list-assignment-rules", Method: http.MethodGet, Path: "/api/v1/assignment-rules",
		Tags: []string{"assignment-rules"}, Summary: "List the assignment rules in the order they are tried"}, read,
		func(ctx context.Context, _ *struct{}) (*struct{ Body httpx.Page[AssignmentRule] }, error) {
			rows, err := s.List(ctx)
			return &struct{ Body httpx.Page[AssignmentRule] }{Body: httpx.Page[AssignmentRule]{Items: rows}}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-assignment-rule", Method: http.MethodPost, Path: "/api/v1/assignment-rules",
		Tags: []string{"assignment-rules"}, Summary: "Create an assignment rule", DefaultStatus: http.StatusCreated}, manage,
		func(ctx context.Context, in *struct{ Body RuleInput }) (*httpx.One[AssignmentRule], error) {
			return httpx.Answer(s.Create(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-assignment-rule", Method: http.MethodGet, Path: "/api/v1/assignment-rules/{id}",
		Tags: []string{"assignment-rules"}, Summary: "Get an assignment rule"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[AssignmentRule], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-assignment-rule", Method: http.MethodPatch, Path: "/api/v1/assignment-rules/{id}",
		Tags: []string{"assignment-rules"}, Summary: "Change, reorder, switch on or off an assignment rule", Errors: []int{412}}, manage,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body RulePatch
		}) (*httpx.One[AssignmentRule], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-assignment-rule", Method: http.MethodDelete, Path: "/api/v1/assignment-rules/{id}",
		Tags: []string{"assignment-rules"}, Summary: "Delete an assignment rule", DefaultStatus: http.StatusNoContent, Errors: []int{412}}, manage,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	audit.RegisterHistory(api, s.DB, "assignment-rules", "assignment_rule", read, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	})
	httpx.Register(api, huma.Operation{OperationID: "assign-lead", Method: http.MethodPost, Path: "/api/v1/leads/{id}/assign",
		Tags: []string{"assignment-rules"}, Summary: "Assign or transfer a lead, by hand or by the assignment rules", Errors: []int{409},
		Description: "With owner_id: to that active user of your data scope (out of its pool if it is pooled). Without: " +
			"routed by the assignment rules (first matching rule → next rep of its team under the cap; else the team's pool; " +
			"else unchanged). The reason is kept in the lead's pool history; the owner change is in its audit history."},
		read, func(ctx context.Context, in *struct {
			ID   string `path:"id" format:"uuid" doc:"Lead id."`
			Body struct {
				OwnerID *string `json:"owner_id,omitempty" format:"uuid" doc:"Absent: route by the assignment rules."`
				Reason  string  `json:"reason,omitempty" maxLength:"200" doc:"Why (required)."`
			}
		}) (*struct{ Body *AssignResult }, error) {
			r, err := s.Assign(ctx, in.ID, in.Body.OwnerID, in.Body.Reason)
			return &struct{ Body *AssignResult }{Body: r}, err
		})
}
