package lead

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// DuplicateProblem is the 409 answer to a create that matches existing
// leads or customers: a problem document whose errors[] name each matching
// field (location body.phone, body.email or body.company for a lead; value
// the matching record's id), plus the matches themselves in duplicates,
// reduced to their kind and id for records outside the caller's data scope.
type DuplicateProblem struct {
	huma.ErrorModel
	Duplicates []Match `json:"duplicates" nullable:"false" doc:"The leads and customers that share a key with the new record."`
}

// NewDuplicateProblem builds the 409 for e; field names the input field of
// each key (phone, email, company), e.g. "body.name" for a customer's company.
func NewDuplicateProblem(e *DuplicatesError, field func(key string) string) *DuplicateProblem {
	p := &DuplicateProblem{ErrorModel: huma.ErrorModel{Title: http.StatusText(http.StatusConflict),
		Status: http.StatusConflict, Detail: e.Error()}, Duplicates: e.Matches}
	for _, m := range e.Matches {
		for _, on := range m.MatchedOn {
			p.Errors = append(p.Errors, &huma.ErrorDetail{Location: field(on), Value: m.ID,
				Message: "an existing " + m.Kind + " has the same " + on})
		}
	}
	return p
}

// DuplicateResponses documents the 409 DuplicateProblem of a create.
func DuplicateResponses(api huma.API) map[string]*huma.Response {
	registry := api.OpenAPI().Components.Schemas
	return map[string]*huma.Response{"409": {Description: "Possible duplicates",
		Content: map[string]*huma.MediaType{"application/problem+json": {
			Schema: registry.Schema(reflect.TypeFor[DuplicateProblem](), true, "DuplicateProblem")}}}}
}

// FilterParams are the lead list's filters, shared by the list and its
// export (exported: huma fills the fields of exported embedded structs only).
type FilterParams struct {
	Q                string    `query:"q" maxLength:"100" doc:"Matches contact name, company, phone or email as a substring; a whole mobile number or e-mail address matches the lead's, however either is written (+86 138-0013-8000 finds 13800138000)."`
	Status           string    `query:"status" enum:"new,contacted,qualified,converted,disqualified"`
	OwnerID          string    `query:"owner_id" format:"uuid"`
	PoolID           string    `query:"pool_id" format:"uuid" doc:"The leads sitting in this pool (公海)."`
	Source           string    `query:"source" maxLength:"40"`
	Region           string    `query:"region" maxLength:"40" doc:"This region and every region below it in the territory tree."`
	Industry         string    `query:"industry" maxLength:"40"`
	CreatedFrom      time.Time `query:"created_from" doc:"Created at or after this time (RFC 3339)."`
	CreatedTo        time.Time `query:"created_to" doc:"Created before this time (RFC 3339)."`
	FollowUpFrom     time.Time `query:"follow_up_from" doc:"Next follow-up (next_follow_up_at) at or after this time (RFC 3339)."`
	FollowUpTo       time.Time `query:"follow_up_to" doc:"Next follow-up (next_follow_up_at) before this time (RFC 3339)."`
	LastFollowUpFrom time.Time `query:"last_follow_up_from" doc:"Last recorded follow-up (last_follow_up_at) at or after this time (RFC 3339); leads never followed up are left out."`
	LastFollowUpTo   time.Time `query:"last_follow_up_to" doc:"Last recorded follow-up (last_follow_up_at) before this time (RFC 3339); leads never followed up are left out."`
	Sort             string    `query:"sort" enum:"created_at,-created_at,last_follow_up_at,-last_follow_up_at,score,-score" default:"-created_at" doc:"Leads without a follow-up come last in both directions of last_follow_up_at."`
}

// filter is the list filter the parameters ask for, its ranges checked.
func (in *FilterParams) filter() (Filter, error) {
	f := Filter{Q: in.Q, Status: in.Status, OwnerID: in.OwnerID, PoolID: in.PoolID, Source: in.Source,
		Region: in.Region, Industry: in.Industry, CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo,
		FollowUpFrom: in.FollowUpFrom, FollowUpTo: in.FollowUpTo, LastFollowUpFrom: in.LastFollowUpFrom,
		LastFollowUpTo: in.LastFollowUpTo, Sort: in.Sort}
	return f, checkWindows("query.", f)
}

type listInput struct {
	FilterParams
	httpx.PageParams
}

// window refuses a range whose end is not after its start.
func window(field string, from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return apperr.Invalid(field, "must be after the start of the range")
	}
	return nil
}

// checkWindows refuses f's reversed ranges, naming the end field under
// prefix ("query." for the list, "body.filter." for a bulk action).
func checkWindows(prefix string, f Filter) error {
	for _, w := range []struct {
		field    string
		from, to time.Time
	}{
		{"created_to", f.CreatedFrom, f.CreatedTo}, {"follow_up_to", f.FollowUpFrom, f.FollowUpTo},
		{"last_follow_up_to", f.LastFollowUpFrom, f.LastFollowUpTo},
	} {
		if err := window(prefix+w.field, w.from, w.to); err != nil {
			return err
		}
	}
	return nil
}

// Register mounts the lead routes.
func Register(api huma.API, s *Service) {
	read, write := httpx.Perm("lead.read"), httpx.Perm("lead.write")
	httpx.Register(api, huma.Operation{OperationID: "list-leads", Method: http.MethodGet, Path: "/api/v1/leads",
		Tags: []string{"leads"}, Summary: "List leads in my data scope"}, read,
		func(ctx context.Context, in *listInput) (*struct{ Body httpx.Page[Lead] }, error) {
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			page, err := s.List(ctx, f, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Lead] }{Body: page}, err
		})
	registerExport(api, s)
	registerDuplicates(api, s, read)
	registerMerge(api, s, read, write)
	httpx.Register(api, huma.Operation{OperationID: "create-lead", Method: http.MethodPost, Path: "/api/v1/leads",
		Tags: []string{"leads"}, Summary: "Create a lead", DefaultStatus: http.StatusCreated,
		Description: "Refused with 409 and the matches when a lead or customer of the tenant has the same phone, " +
			"email or company (after normalization; a customer also by its contacts' phone and email), unless " +
			"allow_duplicate is true.",
		Responses: DuplicateResponses(api),
	}, write, func(ctx context.Context, in *struct{ Body Input }) (*httpx.One[Lead], error) {
		l, err := s.Create(ctx, in.Body)
		if dup := (*DuplicatesError)(nil); errors.As(err, &dup) {
			return nil, NewDuplicateProblem(dup, func(key string) string { return "body." + key })
		}
		return httpx.Answer(l, err)
	})
	httpx.Register(api, huma.Operation{OperationID: "get-lead", Method: http.MethodGet, Path: "/api/v1/leads/{id}",
		Tags: []string{"leads"}, Summary: "Get a lead"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[Lead], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-lead", Method: http.MethodPatch, Path: "/api/v1/leads/{id}",
		Tags: []string{"leads"}, Summary: "Change a lead or move its status", Errors: []int{412},
		Description: "Neither the owner nor last_follow_up_at changes here: an owner change is POST /api/v1/leads/{id}/assign " +
			"(with a reason, kept in the pool history; another owner_id here is a 422), and last_follow_up_at moves only " +
			"with recorded follow-up activities."}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body Patch
		}) (*httpx.One[Lead], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-lead", Method: http.MethodDelete, Path: "/api/v1/leads/{id}",
		Tags: []string{"leads"}, Summary: "Delete a lead", DefaultStatus: http.StatusNoContent, Errors: []int{412},
		Description: "Takes If-Match like an update: a lead is deleted only as the caller last saw it."}, write,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	audit.RegisterHistoryWithOrigin(api, s.DB, "leads", "lead", read, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	}, s.importOrigin)
}

func registerDuplicates(api huma.API, s *Service, read httpx.Access) {
	httpx.Register(api, huma.Operation{OperationID: "find-lead-duplicates", Method: http.MethodGet, Path: "/api/v1/leads/duplicates",
		Tags: []string{"leads"}, Summary: "Leads and customers that share a phone, email or company with the given values",
		Description: "For warning while a lead or customer is typed in. Searches the whole tenant: customers first " +
			"(by their phone, email and name, and their contacts' phone and email), then leads, each newest first, " +
			"at most 20 in all; a record outside your data scope is reported with its kind, id and visible=false only."}, read,
		func(ctx context.Context, in *struct {
			Phone   string `query:"phone" maxLength:"30"`
			Email   string `query:"email" maxLength:"254"`
			Company string `query:"company" maxLength:"100"`
		}) (*struct{ Body httpx.Page[Match] }, error) {
			m, err := s.Duplicates(ctx, in.Phone, in.Email, in.Company)
			return &struct{ Body httpx.Page[Match] }{Body: httpx.Page[Match]{Items: m}}, err
		})
}

// LeadMergeRequest is the merge request: the surviving lead in the path,
// at the version in If-Match.
type LeadMergeRequest struct {
	httpx.IDMatch
	Body MergeInput
}

func registerMerge(api huma.API, s *Service, read, write httpx.Access) {
	httpx.Register(api, huma.Operation{OperationID: "list-lead-duplicate-clusters", Method: http.MethodGet,
		Path: "/api/v1/leads/duplicate-clusters", Tags: []string{"leads"},
		Summary: "Groups of open leads in my data scope that share a phone, email or company",
		Description: "Leads sharing a key are linked transitively (A and B by phone, B and C by company: one cluster). " +
			"Each cluster lists its leads and the keys they share; clusters come newest first (by their newest lead). " +
			"Converted, disqualified and merged leads are left out."}, read,
		func(ctx context.Context, in *struct{ httpx.PageParams }) (*struct {
			Body httpx.Page[DuplicateCluster]
		}, error) {
			page, err := s.Clusters(ctx, in.Limit, in.Cursor)
			return &struct {
				Body httpx.Page[DuplicateCluster]
			}{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "merge-leads", Method: http.MethodPost, Path: "/api/v1/leads/{id}/merge",
		Tags: []string{"leads"}, Summary: "Merge duplicate leads into this one", Errors: []int{412, 422},
		Description: "In one transaction: this lead keeps its values except the fields chosen from another lead; " +
			"the activities, pool history, attachments and other records of the merged leads move to this lead; the " +
			"merged leads are kept (disqualified, merged_into_id set, out of lists and duplicate checks) with their " +
			"history, which gains a 'merged into' entry; this lead's history gains a 'merged_from' entry naming them. " +
			"Every lead must be in your data scope and not converted; If-Match is this lead's version."}, write,
		func(ctx context.Context, in *LeadMergeRequest) (*httpx.One[Lead], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Merge(ctx, in.ID, v, in.Body))
		})
}
