// Package activity holds activities (跟进): calls, visits, meetings, emails,
// notes and tasks against a lead, customer, contact or opportunity; visit
// plans with their advance commitment (晋级承诺); task reminders delivered to
// the in-app inbox; and the "my day" view.
package activity

import (
	"time"

	"github.com/uptrace/bun"
)

// Kinds.
const (
	KindCall    = "call"
	KindVisit   = "visit"
	KindMeeting = "meeting"
	KindEmail   = "email"
	KindNote    = "note"
	KindTask    = "task"
)

// Statuses. A planned activity (a task, a visit plan) becomes done or
// cancelled; a done activity stays done; a cancelled one may be planned again.
const (
	StatusPlanned   = "planned"
	StatusDone      = "done"
	StatusCancelled = "cancelled"
)

// followUpKinds are the kinds that, once done, count as a follow-up of
// their subject: they reset a lead's pool clock.
var followUpKinds = map[string]bool{KindCall: true, KindVisit: true, KindMeeting: true, KindEmail: true}

// Activity is one call, visit, meeting, email, note or task.
type Activity struct {
	bun.BaseModel `bun:"table:activities,alias:a"`
	ID            string `bun:"id,pk" json:"id"`
	TenantID      string `bun:"tenant_id" json:"-"`
	Kind          string `bun:"kind" json:"kind" enum:"call,visit,meeting,email,note,task"`
	SubjectType   string `bun:"subject_type" json:"subject_type" enum:"lead,customer,contact,opportunity"`
	SubjectID     string `bun:"subject_id" json:"subject_id"`
	Title         string `bun:"title" json:"title"`
	Body          string `bun:"body" json:"body"`
	Status        string `bun:"status" json:"status" enum:"planned,done,cancelled"`
	OwnerID       string `bun:"owner_id" json:"owner_id" doc:"Who does the activity (a task's assignee)."`
	OwnerName     string `bun:"owner_name,scanonly" json:"owner_name" audit:"-"`
	// The subject's owner and department when the activity was written,
	// copied for the data scope; not part of the API.
	SubjectOwnerID      *string    `bun:"subject_owner_id" json:"-" audit:"-"`
	SubjectDepartmentID *string    `bun:"subject_department_id" json:"-" audit:"-"`
	OccurredAt          *time.Time `bun:"occurred_at" json:"occurred_at" doc:"When a done activity happened."`
	DueAt               *time.Time `bun:"due_at" json:"due_at" doc:"When a task or a visit plan is due."`
	RemindAt            *time.Time `bun:"remind_at" json:"remind_at" doc:"When the owner gets an inbox reminder of a planned activity."`
	RemindedAt          *time.Time `bun:"reminded_at" json:"reminded_at" audit:"-" doc:"When the reminder was put in the owner's inbox."`
	DoneAt              *time.Time `bun:"done_at" json:"done_at" doc:"When the activity was marked done."`
	// Visit fields.
	Goal          string    `bun:"goal" json:"goal"`
	Commitment    string    `bun:"commitment" json:"commitment" doc:"The advance commitment (晋级承诺) the visit aims to win."`
	Preparation   string    `bun:"preparation" json:"preparation"`
	Outcome       string    `bun:"outcome" json:"outcome"`
	CommitmentWon *bool     `bun:"commitment_won" json:"commitment_won" doc:"Whether a done visit won its commitment."`
	CreatedBy     string    `bun:"created_by" json:"created_by"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at" json:"updated_at"`
	Version       int64     `bun:"version" json:"version"`
}

// InboxItem is one in-app notice for a user, such as a task reminder.
type InboxItem struct {
	bun.BaseModel `bun:"table:inbox_items,alias:ib"`
	ID            string     `bun:"id,pk" json:"id"`
	TenantID      string     `bun:"tenant_id" json:"-"`
	UserID        string     `bun:"user_id" json:"user_id"`
	Kind          string     `bun:"kind" json:"kind" enum:"reminder"`
	Title         string     `bun:"title" json:"title"`
	LinkType      string     `bun:"link_type" json:"link_type" doc:"What the item is about: activity."`
	LinkID        string     `bun:"link_id" json:"link_id"`
	DueAt         *time.Time `bun:"due_at" json:"due_at"`
	ReadAt        *time.Time `bun:"read_at" json:"read_at"`
	CreatedAt     time.Time  `bun:"created_at" json:"created_at"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (r *Activity) CurrentVersion() int64 { return r.Version }
