package region

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Register mounts the region routes. Reading the tree needs only a
// signed-in caller (every lead and customer form picks from it).
func Register(api huma.API, s *Service) {
	read, write := httpx.SignedIn, httpx.Perm("region.write")
	httpx.Register(api, huma.Operation{OperationID: "list-regions", Method: http.MethodGet, Path: "/api/v1/regions",
		Tags: []string{"regions"}, Summary: "List regions, parents before children"}, read,
		func(ctx context.Context, in *struct{ httpx.PageParams }) (*struct{ Body httpx.Page[Region] }, error) {
			keys, err := httpx.DecodeCursor(in.Cursor, "path", 1)
			if err != nil {
				return nil, err
			}
			after := ""
			if keys != nil {
				after = keys[0]
			}
			rows, err := s.List(ctx, in.Limit, after)
			if err != nil {
				return nil, err
			}
			out := &struct{ Body httpx.Page[Region] }{}
			rows, more := httpx.Trim(rows, in.Limit)
			out.Body.Items = rows
			if more {
				out.Body.NextCursor = httpx.EncodeCursor("path", rows[len(rows)-1].Path)
			}
			return out, nil
		})
	httpx.Register(api, huma.Operation{OperationID: "create-region", Method: http.MethodPost, Path: "/api/v1/regions",
		Tags: []string{"regions"}, Summary: "Create a region", DefaultStatus: http.StatusCreated, Errors: []int{409}}, write,
		func(ctx context.Context, in *struct{ Body RegionInput }) (*httpx.One[Region], error) {
			return httpx.Answer(s.Create(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-region", Method: http.MethodGet, Path: "/api/v1/regions/{id}",
		Tags: []string{"regions"}, Summary: "Get a region"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[Region], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-region", Method: http.MethodPatch, Path: "/api/v1/regions/{id}",
		Tags: []string{"regions"}, Summary: "Rename or move a region", Description: "A rename moves the tenant's leads, customers, assignment rules and web forms of the old name to the new one, in the same transaction; names are unique per tenant.", Errors: []int{409, 412}}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body RegionPatch
		}) (*httpx.One[Region], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-region", Method: http.MethodDelete, Path: "/api/v1/regions/{id}",
		Tags: []string{"regions"}, Summary: "Delete a region without sub-regions", Description: "Refused (409) while leads, customers, assignment rules or web forms carry the region's name; the problem's \"region\" error has their counts.", DefaultStatus: http.StatusNoContent,
		Errors: []int{409, 412}}, write,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	audit.RegisterHistory(api, s.DB, "regions", "region", read, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	})
}
