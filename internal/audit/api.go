package audit

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Filter narrows an audit search.
type Filter struct {
	ActorID    string
	ObjectType string
	ObjectID   string
	From, To   time.Time
}

// Search lists entries of the caller's tenant, newest first.
func Search(ctx context.Context, d *db.DB, f Filter, limit int, cursor string) (httpx.Page[Entry], error) {
	var page httpx.Page[Entry]
	keys, err := httpx.DecodeCursor(cursor, "-id", 1)
	if err != nil {
		return page, err
	}
	p := auth.From(ctx)
	q := d.R(ctx).NewSelect().Model((*Entry)(nil)).Where("tenant_id = ?", p.TenantID)
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if keys != nil {
		q = q.Where("id < ?", keys[0])
	}
	var rows []Entry
	if err := q.OrderExpr("id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	for i := range rows {
		if err := json.Unmarshal([]byte(rows[i].ChangesJSON), &rows[i].Changes); err != nil {
			return page, err
		}
	}
	page.Items = rows
	if more {
		page.NextCursor = httpx.EncodeCursor("-id", rows[len(rows)-1].ID)
	}
	return page, nil
}

type searchInput struct {
	Actor      string    `query:"actor" maxLength:"36" doc:"Id of the user who made the change."`
	ObjectType string    `query:"object_type" maxLength:"40"`
	ObjectID   string    `query:"object_id" maxLength:"36"`
	From       time.Time `query:"from" doc:"Changes at or after this time (RFC 3339)."`
	To         time.Time `query:"to" doc:"Changes before this time (RFC 3339)."`
	httpx.PageParams
}

type pageOutput struct {
	Body httpx.Page[Entry]
}

// Register mounts the audit search.
func Register(api huma.API, d *db.DB) {
	httpx.Register(api, huma.Operation{
		OperationID: "search-audit", Method: http.MethodGet, Path: "/api/v1/audit", Tags: []string{"audit"},
		Summary: "Search the audit trail",
	}, httpx.Perm("audit.read"), func(ctx context.Context, in *searchInput) (*pageOutput, error) {
		if !in.From.IsZero() && !in.To.IsZero() && !in.To.After(in.From) {
			return nil, apperr.Invalid("query.to", "must be after from")
		}
		page, err := Search(ctx, d, Filter{ActorID: in.Actor, ObjectType: in.ObjectType, ObjectID: in.ObjectID, From: in.From, To: in.To}, in.Limit, in.Cursor)
		return &pageOutput{Body: page}, err
	})
}

type historyInput struct {
	ID string `path:"id" format:"uuid" doc:"Record id."`
	httpx.PageParams
}

// RegisterHistory mounts GET /api/v1/{resource}/{id}/history for one resource.
// visible must answer a not-found error when the caller may not see the
// record, so history never reveals what the record itself would not.
func RegisterHistory(api huma.API, d *db.DB, resource, objectType string, access httpx.Access, visible func(ctx context.Context, id string) error) {
	RegisterHistoryWithOrigin(api, d, resource, objectType, access, visible, nil)
}

// Origin is the oldest history entry of a record whose creation wrote none
// of its own (a lead an import created: the import writes one entry for
// all of them), made up from what the record says about it; nil when the
// record has its own.
type Origin func(ctx context.Context, id string) (*Entry, error)

// RegisterHistoryWithOrigin is RegisterHistory whose last page ends with
// the record's origin entry, when it has one.
func RegisterHistoryWithOrigin(api huma.API, d *db.DB, resource, objectType string, access httpx.Access,
	visible func(ctx context.Context, id string) error, origin Origin) {
	httpx.Register(api, huma.Operation{
		OperationID: "history-" + objectType, Method: http.MethodGet, Path: "/api/v1/" + resource + "/{id}/history",
		Tags: []string{resource}, Summary: "Change history of one " + objectType,
	}, access, func(ctx context.Context, in *historyInput) (*pageOutput, error) {
		if err := visible(ctx, in.ID); err != nil {
			return nil, err
		}
		page, err := Search(ctx, d, Filter{ObjectType: objectType, ObjectID: in.ID}, in.Limit, in.Cursor)
		if err != nil || origin == nil || page.NextCursor != "" {
			return &pageOutput{Body: page}, err
		}
		return &pageOutput{Body: page}, withOrigin(ctx, &page, in, origin)
	})
}

// withOrigin ends the last page with the origin entry; a full last page
// gets a cursor instead, to an otherwise empty page that holds it.
func withOrigin(ctx context.Context, page *httpx.Page[Entry], in *historyInput, origin Origin) error {
	o, err := origin(ctx, in.ID)
	if err != nil || o == nil {
		return err
	}
	if n := len(page.Items); n >= in.Limit {
		page.NextCursor = httpx.EncodeCursor("-id", page.Items[n-1].ID)
		return nil
	}
	page.Items = append(page.Items, *o)
	return nil
}
