package activity

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

type activityListInput struct {
	SubjectType  string    `query:"subject_type" enum:"lead,customer,contact,opportunity"`
	SubjectID    string    `query:"subject_id" format:"uuid"`
	CustomerID   string    `query:"customer_id" format:"uuid" doc:"The customer's whole timeline: activities on the customer, on its contacts, on its opportunities and on the leads converted into it (each in your activity scope)."`
	Kind         string    `query:"kind" enum:"call,visit,meeting,email,note,task"`
	Status       string    `query:"status" enum:"planned,done,cancelled"`
	OwnerID      string    `query:"owner_id" format:"uuid" doc:"Who does the activity."`
	DueFrom      time.Time `query:"due_from" doc:"due_at at or after (RFC 3339)."`
	DueTo        time.Time `query:"due_to" doc:"due_at before (RFC 3339)."`
	OccurredFrom time.Time `query:"occurred_from" doc:"occurred_at at or after (RFC 3339)."`
	OccurredTo   time.Time `query:"occurred_to" doc:"occurred_at before (RFC 3339)."`
	Sort         string    `query:"sort" enum:"created_at,-created_at,occurred_at,-occurred_at,due_at,-due_at" default:"-created_at"`
	httpx.PageParams
}

// Register mounts the activity, inbox and my-day routes.
func Register(api huma.API, s *Service) {
	read, write := httpx.Perm("activity.read"), httpx.Perm("activity.write")
	httpx.Register(api, huma.Operation{OperationID: "list-activities", Method: http.MethodGet, Path: "/api/v1/activities",
		Tags: []string{"activities"}, Summary: "List activities in my data scope",
		Description: "An activity is seen by whoever sees its subject (the lead, customer, contact or opportunity it is " +
			"about, as it was when the activity was written) and by whoever does it."}, read,
		func(ctx context.Context, in *activityListInput) (*struct{ Body httpx.Page[Activity] }, error) {
			page, err := s.List(ctx, Filter{SubjectType: in.SubjectType, SubjectID: in.SubjectID, CustomerID: in.CustomerID, Kind: in.Kind, Status: in.Status,
				OwnerID: in.OwnerID, DueFrom: in.DueFrom, DueTo: in.DueTo, OccurredFrom: in.OccurredFrom,
				OccurredTo: in.OccurredTo, Sort: in.Sort}, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Activity] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-activity", Method: http.MethodPost, Path: "/api/v1/activities",
		Tags: []string{"activities"}, Summary: "Record or plan an activity", DefaultStatus: http.StatusCreated,
		Description: "The subject must be in your data scope (else 422 naming subject_id). A done call, visit, meeting " +
			"or email is a follow-up: on a lead it resets the pool clock (last_follow_up_at) and moves a new lead to " +
			"contacted; on a customer or contact it sets the customer's last_activity_at. A task needs due_at and is " +
			"reminded at remind_at (default due_at) in its owner's inbox. A visit plan (kind visit, status planned) " +
			"needs due_at and a commitment (晋级承诺); recording the visit done says whether it was won (commitment_won)."},
		write, func(ctx context.Context, in *struct{ Body ActivityInput }) (*httpx.One[Activity], error) {
			return httpx.Answer(s.Create(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-activity", Method: http.MethodGet, Path: "/api/v1/activities/{id}",
		Tags: []string{"activities"}, Summary: "Get an activity"}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Activity id."`
		}) (*httpx.One[Activity], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-activity", Method: http.MethodPatch, Path: "/api/v1/activities/{id}",
		Tags: []string{"activities"}, Summary: "Change, complete or cancel an activity", Errors: []int{412},
		Description: "Completing (status done) a call, visit, meeting or email records the follow-up like a create. " +
			"Completing a visit with a commitment needs commitment_won (true or false)."}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body ActivityPatch
		}) (*httpx.One[Activity], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-activity", Method: http.MethodDelete, Path: "/api/v1/activities/{id}",
		Tags: []string{"activities"}, Summary: "Delete an activity", DefaultStatus: http.StatusNoContent, Errors: []int{412},
		Description: "Takes If-Match like an update. Its reminder leaves the owner's inbox; a follow-up it recorded stays recorded on its subject."}, write,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	audit.RegisterHistory(api, s.DB, "activities", "activity", read, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	})

	httpx.Register(api, huma.Operation{OperationID: "list-inbox", Method: http.MethodGet, Path: "/api/v1/inbox",
		Tags: []string{"inbox"}, Summary: "My inbox: reminders, newest first"}, httpx.SignedIn,
		func(ctx context.Context, in *struct {
			Unread bool `query:"unread" doc:"Only items not yet read."`
			httpx.PageParams
		}) (*struct{ Body httpx.Page[InboxItem] }, error) {
			page, err := s.Inbox(ctx, in.Unread, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[InboxItem] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "read-inbox-item", Method: http.MethodPost, Path: "/api/v1/inbox/{id}/read",
		Tags: []string{"inbox"}, Summary: "Mark one of my inbox items read",
		Description: "Only your own items: anyone else's is not found (404)."}, httpx.SignedIn,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Inbox item id."`
		}) (*struct{ Body *InboxItem }, error) {
			item, err := s.MarkRead(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *InboxItem }{Body: item}, nil
		})
	httpx.Register(api, huma.Operation{OperationID: "get-my-day", Method: http.MethodGet, Path: "/api/v1/my-day",
		Tags: []string{"activities"}, Summary: "My day: tasks due today, visits today, and what is overdue",
		Description: "Only activities you do (owner_id is you). \"Today\" is the calendar day in tz (an IANA zone, " +
			"default Asia/Shanghai). tasks_due_today: planned tasks due today; visits_today: visits planned for " +
			"today or done today; overdue: planned activities of any kind due before today. At most 200 each, " +
			"soonest first."}, read,
		func(ctx context.Context, in *struct {
			TZ string `query:"tz" maxLength:"64" default:"Asia/Shanghai" doc:"IANA time zone the day is taken in."`
		}) (*struct{ Body *MyDay }, error) {
			out, err := s.MyDay(ctx, in.TZ, time.Now())
			if err != nil {
				return nil, err
			}
			return &struct{ Body *MyDay }{Body: out}, nil
		})
}
