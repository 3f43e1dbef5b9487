package webform

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Register mounts the web form administration routes. The public pages at
// /f/{token} are plain handlers (ServePublic), outside the API.
func Register(api huma.API, s *Service) {
	manage := httpx.Perm("webform.manage")
	tags := []string{"web-forms"}
	httpx.Register(api, huma.Operation{OperationID: "list-web-forms", Method: http.MethodGet, Path: "/api/v1/web-forms",
		Tags: tags, Summary: "List the tenant's web-to-lead forms"}, manage,
		func(ctx context.Context, in *struct{ httpx.PageParams }) (*struct{ Body httpx.Page[WebForm] }, error) {
			page, err := s.List(ctx, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[WebForm] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-web-form", Method: http.MethodPost, Path: "/api/v1/web-forms",
		Tags: tags, Summary: "Create a web-to-lead form", DefaultStatus: http.StatusCreated,
		Description: "The answer's path (/f/{token}) is the public page; its token is random (192 bits)."}, manage,
		func(ctx context.Context, in *struct{ Body WebFormInput }) (*httpx.One[WebForm], error) {
			return httpx.Answer(s.Create(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-web-form", Method: http.MethodGet, Path: "/api/v1/web-forms/{id}",
		Tags: tags, Summary: "Get a web form"}, manage,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[WebForm], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-web-form", Method: http.MethodPatch, Path: "/api/v1/web-forms/{id}",
		Tags: tags, Summary: "Change a web form", Errors: []int{412}}, manage,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body WebFormPatch
		}) (*httpx.One[WebForm], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "rotate-web-form-token", Method: http.MethodPost, Path: "/api/v1/web-forms/{id}/rotate-token",
		Tags: tags, Summary: "Give a web form a new public link", Errors: []int{412},
		Description: "The old link stops working at once. Takes If-Match: a form's link is replaced only as the caller last saw it."}, manage,
		func(ctx context.Context, in *httpx.IDMatch) (*httpx.One[WebForm], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.RotateToken(ctx, in.ID, v))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-web-form", Method: http.MethodDelete, Path: "/api/v1/web-forms/{id}",
		Tags: tags, Summary: "Delete a web form (its leads stay)", DefaultStatus: http.StatusNoContent, Errors: []int{412}}, manage,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	httpx.Register(api, huma.Operation{OperationID: "list-web-form-submissions", Method: http.MethodGet, Path: "/api/v1/web-forms/{id}/submissions",
		Tags: tags, Summary: "The leads a web form made, newest first, with how many duplicates each had"}, manage,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Web form id."`
			httpx.PageParams
		}) (*struct{ Body httpx.Page[WebFormSubmission] }, error) {
			page, err := s.Submissions(ctx, in.ID, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[WebFormSubmission] }{Body: page}, err
		})
	audit.RegisterHistory(api, s.DB, "web-forms", "web_form", manage, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	})
}
