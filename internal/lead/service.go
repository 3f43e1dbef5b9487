package lead

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Service is the lead feature's logic over its store.
type Service struct {
	DB *db.DB
	// MergeHooks move other features' rows of merged leads to the
	// survivor, inside the merge's transaction (set where the server is
	// assembled, so this package imports none of them).
	MergeHooks []MergeHook

	create createState // the combiner of creates (create.go)
}

// Input creates a lead. It has no last_follow_up_at: the pool clock is
// moved only by recorded follow-ups (activities), so no client can set it
// and dodge the auto-return (the schema refuses the property).
type Input struct {
	ContactName    string     `json:"contact_name" minLength:"1" maxLength:"60"`
	Company        string     `json:"company,omitempty" maxLength:"100"`
	Title          string     `json:"title,omitempty" maxLength:"60"`
	Phone          string     `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9０-９+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	Email          string     `json:"email,omitempty" maxLength:"254" pattern:"^([^@\\s]+@[^@\\s]+)?$" patternDescription:"an email address"`
	WeChat         string     `json:"wechat,omitempty" maxLength:"60"`
	Source         string     `json:"source,omitempty" maxLength:"40" doc:"Where the lead came from, e.g. 官网, 展会, 转介绍."`
	Region         string     `json:"region,omitempty" maxLength:"40"`
	Industry       string     `json:"industry,omitempty" maxLength:"40"`
	NextFollowUpAt *time.Time `json:"next_follow_up_at,omitempty"`
	Score          int        `json:"score,omitempty" minimum:"0" maximum:"100"`
	Notes          string     `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
	OwnerID        *string    `json:"owner_id,omitempty" format:"uuid" doc:"Someone else than you needs lead.assign; absent: you own the lead."`
	AllowDuplicate bool       `json:"allow_duplicate,omitempty" doc:"Create even though leads with the same phone, email or company exist."`
}

// Patch changes some fields of a lead. next_follow_up_at is Nullable: JSON
// null clears it, which a pointer could not tell from absent. Like Input it
// has no last_follow_up_at, and it does not change the owner: an owner
// change goes through POST /leads/{id}/assign, which records a reason.
type Patch struct {
	ContactName      *string                   `json:"contact_name,omitempty" minLength:"1" maxLength:"60"`
	Company          *string                   `json:"company,omitempty" maxLength:"100"`
	Title            *string                   `json:"title,omitempty" maxLength:"60"`
	Phone            *string                   `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9０-９+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	Email            *string                   `json:"email,omitempty" maxLength:"254" pattern:"^([^@\\s]+@[^@\\s]+)?$" patternDescription:"an email address"`
	WeChat           *string                   `json:"wechat,omitempty" maxLength:"60"`
	Source           *string                   `json:"source,omitempty" maxLength:"40"`
	Region           *string                   `json:"region,omitempty" maxLength:"40"`
	Industry         *string                   `json:"industry,omitempty" maxLength:"40"`
	Status           *string                   `json:"status,omitempty" enum:"new,contacted,qualified,converted,disqualified" doc:"Forward only: new → contacted → qualified; disqualified (with disqualify_reason) from any open status; a disqualified lead reopens as new. converted is set by conversion only."`
	DisqualifyReason *string                   `json:"disqualify_reason,omitempty" maxLength:"200"`
	NextFollowUpAt   httpx.Nullable[time.Time] `json:"next_follow_up_at,omitempty" doc:"null clears it."`
	Score            *int                      `json:"score,omitempty" minimum:"0" maximum:"100"`
	Notes            *string                   `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
	OwnerID          *string                   `json:"owner_id,omitempty" format:"uuid" doc:"Only the current owner is accepted (a form may send it back unchanged); to change the owner use POST /api/v1/leads/{id}/assign, which records a reason."`
}

// DuplicatesError refuses a create whose keys match existing leads or
// customers. Hint says how to go ahead anyway.
type DuplicatesError struct {
	Matches []Match
	Hint    string
}

func (e *DuplicatesError) Error() string {
	hint := e.Hint
	if hint == "" {
		hint = "send allow_duplicate: true to create it anyway"
	}
	return fmt.Sprintf("%d existing leads or customers share this phone, email or company; %s", len(e.Matches), hint)
}

// leads selects the leads the caller may see, with the owner's name.
func (s *Service) leads(ctx context.Context) *bun.SelectQuery {
	q := s.DB.R(ctx).NewSelect().Model((*Lead)(nil)).ColumnExpr("l.*").
		ColumnExpr("COALESCE(u.name, '') AS owner_name").
		Join("LEFT JOIN users AS u ON u.id = l.owner_id")
	return auth.From(ctx).Scoped(q, "l.tenant_id", "l.owner_id", "l.department_id")
}

// Get returns one lead in the caller's scope; any other is not found.
// It is a prepared statement (one per kind of scope), as every lead write
// answers with it.
func (s *Service) Get(ctx context.Context, id string) (*Lead, error) {
	scope, args := auth.From(ctx).ScopeSQL("l.tenant_id", "l.owner_id", "l.department_id")
	var l Lead
	err := s.DB.GetOne(ctx, &l, `SELECT l.*, COALESCE(u.name, '') AS owner_name FROM leads AS l
		LEFT JOIN users AS u ON u.id = l.owner_id WHERE `+scope+` AND l.id = ?`, append(args, id)...)
	return &l, db.NotFound(err, "lead")
}

// owner resolves who a lead is given to: the caller when id is absent or
// the caller; anyone else needs lead.assign and must be an active user in
// the caller's data scope. The department is the owner's, so the
// department scope follows the owner.
func (s *Service) owner(ctx context.Context, id *string) (*string, *string, error) {
	p := auth.From(ctx)
	if id == nil || *id == p.UserID {
		return &p.UserID, emptyToNil(p.DepartmentID), nil
	}
	if !p.Can("lead.assign") {
		return nil, nil, apperr.Forbidden("giving a lead to someone else needs the permission lead.assign")
	}
	uid, dept, err := org.ResolveOwner(ctx, s.DB, id)
	return &uid, dept, err
}

// Update applies a patch to a lead at the caller's version; the status
// moves only as checkStatus allows. The owner is not changed here: every
// owner change is an assignment with a reason in the pool history.
func (s *Service) Update(ctx context.Context, id string, version int64, in Patch) (*Lead, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("lead", old.Version, version); err != nil {
			return err
		}
		if err := checkNotMerged(old); err != nil {
			return err
		}
		if in.OwnerID != nil && !sameID(old.OwnerID, in.OwnerID) {
			return apperr.Invalid("body.owner_id", "the owner is changed with POST /api/v1/leads/%s/assign, which needs a reason", id)
		}
		l := *old
		if err := applyPatch(&l, in); err != nil {
			return err
		}
		changes := audit.Diff(old, &l)
		if len(changes) == 0 {
			return nil // nothing changes: keep the version, write nothing
		}
		l.setKeys()
		l.UpdatedAt, l.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&l).Column(updatable...).
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "lead", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "lead", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func sameID(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// updatable are the columns an update or a merge writes (an update leaves
// the owner, pool and follow-up columns as they were).
var updatable = []string{"contact_name", "company", "title", "phone", "email", "wechat", "source", "region", "industry",
	"status", "disqualify_reason", "owner_id", "department_id", "pool_id", "pooled_at", "assigned_at", "last_follow_up_at", "next_follow_up_at", "score", "notes",
	"phone_key", "email_key", "company_key", "updated_at", "version"}

// applyPatch copies the patch onto l and checks the status change.
func applyPatch(l *Lead, in Patch) error {
	for _, f := range []struct {
		dst *string
		src *string
	}{
		{&l.ContactName, in.ContactName}, {&l.Company, in.Company}, {&l.Title, in.Title}, {&l.Phone, in.Phone},
		{&l.Email, in.Email}, {&l.WeChat, in.WeChat}, {&l.Source, in.Source}, {&l.Region, in.Region},
		{&l.Industry, in.Industry},
	} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	if in.Notes != nil {
		l.Notes = *in.Notes
	}
	if in.Score != nil {
		l.Score = *in.Score
	}
	if in.NextFollowUpAt.Set {
		l.NextFollowUpAt = utc(in.NextFollowUpAt.Value)
	}
	return applyStatus(l, in.Status, in.DisqualifyReason)
}

// openRank orders the open statuses; a lead moves only forward through them.
var openRank = map[string]int{StatusNew: 1, StatusContacted: 2, StatusQualified: 3}

// applyStatus moves l to status (nil: unchanged) with a disqualify reason
// (nil: unchanged). Only a disqualified lead has a reason: disqualifying
// needs one, reopening clears it.
func applyStatus(l *Lead, status, reason *string) error {
	to := l.Status
	if status != nil {
		to = *status
	}
	why := l.DisqualifyReason
	if reason != nil {
		why = strings.TrimSpace(*reason)
	}
	from := l.Status
	switch {
	case to == from:
	case to == StatusConverted:
		return apperr.Invalid("body.status", "a lead becomes converted by converting it, not by setting its status")
	case from == StatusConverted:
		return apperr.Invalid("body.status", "a converted lead keeps its status")
	case from == StatusDisqualified:
		if to != StatusNew {
			return apperr.Invalid("body.status", "a disqualified lead can only be reopened as new")
		}
		why = ""
	case to == StatusDisqualified:
	case openRank[to] < openRank[from]:
		return apperr.Invalid("body.status", "a lead moves only forward: new → contacted → qualified")
	}
	if to == StatusDisqualified && why == "" {
		return apperr.Invalid("body.disqualify_reason", "is required to disqualify a lead")
	}
	if to != StatusDisqualified && why != "" {
		return apperr.Invalid("body.disqualify_reason", "only a disqualified lead has a reason")
	}
	l.Status, l.DisqualifyReason = to, why
	return nil
}

// Delete removes a lead at the caller's version: a delete, like an update,
// must be based on what the caller last saw. A converted lead is kept: it
// is the record of where its customer came from.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("lead", old.Version, version); err != nil {
			return err
		}
		if old.Status == StatusConverted {
			return apperr.Conflict("a converted lead is kept as the record of its conversion and cannot be deleted")
		}
		if err := checkNotMerged(old); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("leads").Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "lead", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "lead", id, audit.Diff(old, nil))
	})
}

// CheckConvertible refuses to convert a lead that is already converted or
// disqualified (reopen it first).
func CheckConvertible(l *Lead) error {
	switch l.Status {
	case StatusConverted:
		return apperr.Conflict("the lead is already converted")
	case StatusDisqualified:
		return apperr.Conflict("a disqualified lead cannot be converted; reopen it as new first")
	}
	return nil
}

// MarkConverted records that the lead id, visible to the caller and still
// open, became customerID and contactID (and opportunityID, when the
// conversion opened one): its status becomes converted and it links to
// them. It is meant to run inside the conversion's transaction (the one in
// ctx), after the customer, contact and opportunity are written. A lead
// changed by someone else since the conversion read it is refused with 409,
// so two conversions of one lead never both succeed.
func (s *Service) MarkConverted(ctx context.Context, id, customerID, contactID string, opportunityID *string) (*Lead, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := CheckConvertible(old); err != nil {
			return err
		}
		l := *old
		now := time.Now().UTC()
		l.Status, l.ConvertedCustomerID, l.ConvertedContactID, l.ConvertedAt = StatusConverted, &customerID, &contactID, utc(&now)
		l.ConvertedOpportunityID = opportunityID
		l.UpdatedAt, l.Version = now, old.Version+1
		res, err := tx.NewUpdate().Model(&l).
			Column("status", "converted_customer_id", "converted_contact_id", "converted_opportunity_id", "converted_at", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ? AND status NOT IN (?, ?)",
				id, p.TenantID, old.Version, StatusConverted, StatusDisqualified).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.Conflict("the lead was changed while it was being converted; reload it and try again")
		}
		return audit.Record(ctx, tx, audit.Update, "lead", id, audit.Diff(old, &l))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond) // what both databases keep
	return &u
}

func emptyToNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
