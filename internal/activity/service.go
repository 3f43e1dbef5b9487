package activity

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/deal"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Service is the activity feature's logic over its store. Leads records
// follow-ups on leads (their pool clock and status).
type Service struct {
	DB    *db.DB
	Leads *lead.Service
	// Deals keeps an opportunity's last activity (its stalled clock).
	Deals *deal.Service
	// Done, when set, is told inside the transaction that an activity on
	// a subject was recorded done (the scoring feature rescores the
	// subject's customer: its activities in the last 90 days count).
	Done func(ctx context.Context, subjectType, subjectID string) error
}

// ActivityInput creates an activity.
type ActivityInput struct {
	Kind        string     `json:"kind" enum:"call,visit,meeting,email,note,task"`
	SubjectType string     `json:"subject_type" enum:"lead,customer,contact,opportunity"`
	SubjectID   string     `json:"subject_id" format:"uuid" doc:"A record of subject_type in your data scope."`
	Title       string     `json:"title" minLength:"1" maxLength:"200"`
	Body        string     `json:"body,omitempty" maxLength:"5000" multiline:"true"`
	Status      string     `json:"status,omitempty" enum:",planned,done,cancelled" doc:"Absent: planned for a task, done for anything else. A planned visit is a visit plan."`
	OccurredAt  *time.Time `json:"occurred_at,omitempty" doc:"When a done activity happened; absent: now. Not in the future."`
	DueAt       *time.Time `json:"due_at,omitempty" doc:"Required for tasks and visit plans."`
	RemindAt    *time.Time `json:"remind_at,omitempty" doc:"When to put a reminder in the owner's inbox; a task's defaults to due_at."`
	Goal        string     `json:"goal,omitempty" maxLength:"500" multiline:"true" doc:"Visits only."`
	Commitment  string     `json:"commitment,omitempty" maxLength:"500" multiline:"true" doc:"Visits only: the advance commitment (晋级承诺) aimed for; required for a visit plan."`
	Preparation string     `json:"preparation,omitempty" maxLength:"2000" multiline:"true" doc:"Visits only."`
	Outcome     string     `json:"outcome,omitempty" maxLength:"2000" multiline:"true" doc:"Visits only."`
	// CommitmentWon must be given for a done visit with a commitment.
	CommitmentWon *bool   `json:"commitment_won,omitempty" doc:"Visits only: whether the commitment was won; required when a visit with a commitment is done."`
	OwnerID       *string `json:"owner_id,omitempty" format:"uuid" doc:"Who does it: an active user in your data scope; absent: you."`
}

// ActivityPatch changes some fields of an activity. The kind and subject
// are fixed.
type ActivityPatch struct {
	Title         *string    `json:"title,omitempty" minLength:"1" maxLength:"200"`
	Body          *string    `json:"body,omitempty" maxLength:"5000" multiline:"true"`
	Status        *string    `json:"status,omitempty" enum:"planned,done,cancelled" doc:"planned → done or cancelled; cancelled → planned; done stays done."`
	OccurredAt    *time.Time `json:"occurred_at,omitempty"`
	DueAt         *time.Time `json:"due_at,omitempty" doc:"Moving it moves remind_at by as much, unless remind_at is given too."`
	RemindAt      *time.Time `json:"remind_at,omitempty" doc:"A new reminder time takes the reminder already sent out of the inbox and sends it again at the new time."`
	Goal          *string    `json:"goal,omitempty" maxLength:"500" multiline:"true"`
	Commitment    *string    `json:"commitment,omitempty" maxLength:"500" multiline:"true"`
	Preparation   *string    `json:"preparation,omitempty" maxLength:"2000" multiline:"true"`
	Outcome       *string    `json:"outcome,omitempty" maxLength:"2000" multiline:"true"`
	CommitmentWon *bool      `json:"commitment_won,omitempty"`
	OwnerID       *string    `json:"owner_id,omitempty" format:"uuid" doc:"Hand over to an active user in your data scope. A reminder already sent leaves the old owner's inbox and is sent again to the new owner."`
}

// activities selects the activities the caller may see (by their subject's
// owner and department, or because the caller does them), with the owner's name.
func (s *Service) activities(ctx context.Context) *bun.SelectQuery {
	p := auth.From(ctx)
	where, args := p.ScopeSQL("a.tenant_id", "a.subject_owner_id", "a.subject_department_id")
	return s.DB.R(ctx).NewSelect().Model((*Activity)(nil)).ColumnExpr("a.*").
		ColumnExpr("COALESCE(u.name, '') AS owner_name").
		Join("LEFT JOIN users AS u ON u.id = a.owner_id").
		Where("(("+where+") OR (a.tenant_id = ? AND a.owner_id = ?))", append(args, p.TenantID, p.UserID)...)
}

// Get returns one activity the caller may see; any other is not found.
func (s *Service) Get(ctx context.Context, id string) (*Activity, error) {
	var a Activity
	err := s.activities(ctx).Where("a.id = ?", id).Scan(ctx, &a)
	return &a, db.NotFound(err, "activity")
}

// subjectTables are the subject types whose records activities can be
// written against, with their table and alias.
var subjectTables = map[string]struct{ table, alias string }{
	"lead": {"leads", "l"}, "customer": {"customers", "c"}, "contact": {"contacts", "ct"},
	"opportunity": {"opportunities", "o"},
}

// subject finds the subject in the caller's data scope and returns its owner
// and department; one the caller cannot see is refused naming subject_id.
func (s *Service) subject(ctx context.Context, typ, id string) (owner, dept *string, err error) {
	t, ok := subjectTables[typ]
	if !ok {
		return nil, nil, apperr.Invalid("body.subject_type", "activities on %s records are not available yet", typ)
	}
	a := t.alias
	q := s.DB.R(ctx).NewSelect().TableExpr(t.table+" AS "+a).ColumnExpr(a+".owner_id, "+a+".department_id").
		Where(a+".id = ?", id)
	q = auth.From(ctx).Scoped(q, a+".tenant_id", a+".owner_id", a+".department_id")
	var rows []struct {
		OwnerID      *string `bun:"owner_id"`
		DepartmentID *string `bun:"department_id"`
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, apperr.Invalid("body.subject_id", "no %s of that id in your data scope", typ)
	}
	return rows[0].OwnerID, rows[0].DepartmentID, nil
}

// owner resolves who does an activity: the caller when id is absent or the
// caller, else an active user in the caller's data scope.
func (s *Service) owner(ctx context.Context, id *string) (string, error) {
	uid, _, err := org.ResolveOwner(ctx, s.DB, id)
	return uid, err
}

// Create records an activity. A done call, visit, meeting or email is a
// follow-up of its subject, recorded in the same transaction: on a lead
// it resets the pool clock (last_follow_up_at) and moves a new lead to
// contacted; on a customer or contact it sets the customer's last_activity_at.
func (s *Service) Create(ctx context.Context, in ActivityInput) (*Activity, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	a := &Activity{ID: ids.New(), TenantID: p.TenantID, Kind: in.Kind, SubjectType: in.SubjectType, SubjectID: in.SubjectID,
		Title: strings.TrimSpace(in.Title), Body: in.Body, Status: in.Status, OccurredAt: utc(in.OccurredAt),
		DueAt: utc(in.DueAt), RemindAt: utc(in.RemindAt), Goal: strings.TrimSpace(in.Goal),
		Commitment: strings.TrimSpace(in.Commitment), Preparation: in.Preparation, Outcome: in.Outcome,
		CommitmentWon: in.CommitmentWon, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if a.Status == "" {
		a.Status = StatusDone
		if a.Kind == KindTask {
			a.Status = StatusPlanned
		}
	}
	if a.Kind == KindTask && a.RemindAt == nil {
		a.RemindAt = a.DueAt
	}
	if a.Status == StatusDone {
		if a.OccurredAt == nil {
			a.OccurredAt = &now
		}
		a.DoneAt = utc(&now)
	}
	if err := check(a, nil, now); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if a.SubjectOwnerID, a.SubjectDepartmentID, err = s.subject(ctx, a.SubjectType, a.SubjectID); err != nil {
			return err
		}
		if a.OwnerID, err = s.owner(ctx, in.OwnerID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Create, "activity", a.ID, audit.Diff(nil, a)); err != nil {
			return err
		}
		if a.Status == StatusDone {
			return s.followedUp(ctx, tx, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a.ID)
}

// followedUp records a done activity as a follow-up of its subject, after
// telling Done (every done activity counts for scoring, not only follow-ups).
func (s *Service) followedUp(ctx context.Context, tx bun.Tx, a *Activity) error {
	if s.Done != nil {
		if err := s.Done(ctx, a.SubjectType, a.SubjectID); err != nil {
			return err
		}
	}
	if !followUpKinds[a.Kind] || a.OccurredAt == nil {
		return nil
	}
	at := *a.OccurredAt
	switch a.SubjectType {
	case "lead":
		return s.Leads.FollowedUp(ctx, a.SubjectID, at)
	case "opportunity":
		return s.Deals.Touch(ctx, a.SubjectID, at)
	case "customer", "contact":
		// The customer's last_activity_at is kept by activities, not a
		// field of the customer's own: no version change, no audit entry.
		cust := a.SubjectID
		if a.SubjectType == "contact" {
			if err := tx.NewSelect().Table("contacts").Column("customer_id").
				Where("id = ? AND tenant_id = ?", a.SubjectID, a.TenantID).Scan(ctx, &cust); err != nil {
				return err
			}
		}
		_, err := tx.NewUpdate().Table("customers").Set("last_activity_at = ?", at).
			Where("id = ? AND tenant_id = ? AND (last_activity_at IS NULL OR last_activity_at < ?)", cust, a.TenantID, at).Exec(ctx)
		return err
	}
	return nil
}

// check enforces the rules on an activity as it will be written; old is
// what it was (nil on create).
func check(a *Activity, old *Activity, now time.Time) error {
	if a.Title == "" {
		return apperr.Invalid("body.title", "is required")
	}
	if old != nil && old.Status != a.Status {
		switch {
		case old.Status == StatusDone:
			return apperr.Invalid("body.status", "a done activity stays done")
		case old.Status == StatusCancelled && a.Status != StatusPlanned:
			return apperr.Invalid("body.status", "a cancelled activity can only be planned again")
		}
	}
	if (a.Kind == KindTask || (a.Kind == KindVisit && a.Status == StatusPlanned)) && a.DueAt == nil {
		return apperr.Invalid("body.due_at", "is required for a task or a visit plan")
	}
	if a.Status != StatusDone && a.OccurredAt != nil {
		return apperr.Invalid("body.occurred_at", "only a done activity has happened; set status done")
	}
	if a.OccurredAt != nil && a.OccurredAt.After(now.Add(5*time.Minute)) {
		return apperr.Invalid("body.occurred_at", "is in the future; plan it with status planned and due_at instead")
	}
	if a.Kind != KindVisit {
		for _, f := range []struct{ name, v string }{{"goal", a.Goal}, {"commitment", a.Commitment},
			{"preparation", a.Preparation}, {"outcome", a.Outcome}} {
			if f.v != "" {
				return apperr.Invalid("body."+f.name, "only a visit has a %s", f.name)
			}
		}
		if a.CommitmentWon != nil {
			return apperr.Invalid("body.commitment_won", "only a visit has a commitment")
		}
		return nil
	}
	if a.Status == StatusPlanned && a.Commitment == "" {
		return apperr.Invalid("body.commitment", "a visit plan names the advance commitment (晋级承诺) it aims for")
	}
	if a.Status == StatusDone && a.Commitment != "" && a.CommitmentWon == nil {
		return apperr.Invalid("body.commitment_won", "is required to record a visit: say whether the commitment was won")
	}
	if a.CommitmentWon != nil && (a.Status != StatusDone || a.Commitment == "") {
		return apperr.Invalid("body.commitment_won", "only a done visit with a commitment says whether it was won")
	}
	return nil
}

// Update applies a patch at the caller's version. Marking a call, visit,
// meeting or email done records the follow-up like a create does.
func (s *Service) Update(ctx context.Context, id string, version int64, in ActivityPatch) (*Activity, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("activity", old.Version, version); err != nil {
			return err
		}
		a := *old
		now := time.Now().UTC()
		applyPatch(&a, in)
		followDue(&a, old, in)
		if a.Status == StatusDone && old.Status != StatusDone {
			if a.OccurredAt == nil {
				a.OccurredAt = &now
			}
			a.DoneAt = utc(&now)
		}
		if !sameTime(old.RemindAt, a.RemindAt) {
			a.RemindedAt = nil // a new reminder time reminds again
		}
		if err := check(&a, old, now); err != nil {
			return err
		}
		if in.OwnerID != nil && *in.OwnerID != old.OwnerID {
			if a.OwnerID, err = s.owner(ctx, in.OwnerID); err != nil {
				return err
			}
		}
		changes := audit.Diff(old, &a)
		if len(changes) == 0 {
			return nil // nothing changes: keep the version, write nothing
		}
		a.UpdatedAt, a.Version = now, old.Version+1
		res, err := tx.NewUpdate().Model(&a).Column(updatable...).
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "activity", old.Version); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Update, "activity", id, changes); err != nil {
			return err
		}
		if !sameTime(old.RemindAt, a.RemindAt) {
			if err := dropReminders(ctx, tx, p.TenantID, bun.In([]string{id})); err != nil {
				return err
			}
		}
		if a.OwnerID != old.OwnerID {
			if err := RemindAgain(ctx, tx, p.TenantID, bun.In([]string{id})); err != nil {
				return err
			}
		}
		if a.Status == StatusDone && old.Status != StatusDone {
			return s.followedUp(ctx, tx, &a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// followDue moves the reminder with the due time when a patch moves only
// the due time, keeping how long before it the owner is reminded: left
// where it was, a rescheduled task would still be reminded at its old time.
func followDue(a, old *Activity, in ActivityPatch) {
	if in.DueAt == nil || in.RemindAt != nil || old.DueAt == nil || old.RemindAt == nil || a.DueAt == nil {
		return
	}
	moved := old.RemindAt.Add(a.DueAt.Sub(*old.DueAt))
	a.RemindAt = &moved
}

// updatable are the columns an update writes.
var updatable = []string{"title", "body", "status", "occurred_at", "due_at", "remind_at", "reminded_at", "done_at", "goal",
	"commitment", "preparation", "outcome", "commitment_won", "owner_id", "updated_at", "version"}

func applyPatch(a *Activity, in ActivityPatch) {
	for _, f := range []struct {
		dst *string
		src *string
	}{
		{&a.Title, in.Title}, {&a.Goal, in.Goal}, {&a.Commitment, in.Commitment},
	} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{
		{&a.Body, in.Body}, {&a.Preparation, in.Preparation}, {&a.Outcome, in.Outcome}, {&a.Status, in.Status},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst **time.Time
		src *time.Time
	}{
		{&a.OccurredAt, in.OccurredAt}, {&a.DueAt, in.DueAt}, {&a.RemindAt, in.RemindAt},
	} {
		if f.src != nil {
			*f.dst = utc(f.src)
		}
	}
	if in.CommitmentWon != nil {
		a.CommitmentWon = in.CommitmentWon
	}
}

// Delete removes an activity at the caller's version, and its reminders
// from the inbox. A follow-up it recorded stays recorded on its subject.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("activity", old.Version, version); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("activities").Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "activity", old.Version); err != nil {
			return err
		}
		if err := dropReminders(ctx, tx, p.TenantID, bun.In([]string{id})); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "activity", id, audit.Diff(old, nil))
	})
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond) // what both databases keep
	return &u
}

func sameTime(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
