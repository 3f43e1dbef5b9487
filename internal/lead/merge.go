package lead

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// A merge folds duplicate leads into one surviving lead. The merged leads
// are not deleted: each keeps its row and its own history, marked with
// merged_into_id, disqualified with the reason "merged into <id>" (so every
// rule about open leads — pool clocks, claim limits, conversion — ignores it),
// taken out of its pool, and its dedupe keys emptied (so no duplicate check,
// cluster or import matches it again; the keys are derived, not data).
//
// Histories: each lead keeps its own audit trail. The merged lead's trail
// gets an entry "merged_into_id: → survivor"; the survivor's gets one entry
// with the fields taken from the merged leads and "merged_from: [ids]", which
// links to the merged leads, whose histories stay readable at
// GET /leads/{merged}/history. The records hanging off a lead (activities,
// pool events, attachments, …) are moved to the survivor by MergeHooks, so
// the survivor's timeline shows everything.

// maxMergeSources bounds one merge: a cluster, not a bulk operation.
const maxMergeSources = 20

// MergeInput merges leads into the lead of the path.
type MergeInput struct {
	FromIDs []string          `json:"from_ids,omitempty" maxItems:"20" doc:"The leads merged into this one: open (not converted), not merged already, in your data scope."`
	Fields  map[string]string `json:"fields,omitempty" doc:"Field name → id of the lead (one of from_ids, or this lead) whose value the surviving lead takes; unnamed fields keep this lead's value. Fields: contact_name, company, title, phone, email, wechat, source, region, industry, notes, score, next_follow_up_at."`
}

// Merged tells a merge hook which leads were merged into which, inside the
// merge's transaction: it moves its rows from FromIDs to IntoID. OwnerID and
// DepartmentID are the survivor's, for rows that copy their subject's scope.
type Merged struct {
	TenantID     string
	IntoID       string
	FromIDs      []string
	OwnerID      *string
	DepartmentID *string
}

// MergeHook moves a feature's rows of merged leads to the survivor. It runs
// in the merge's transaction (tx): an error undoes the whole merge.
type MergeHook func(ctx context.Context, tx bun.IDB, m Merged) error

// mergeFields are the fields a merge may take from another lead.
var mergeFields = map[string]func(dst, src *Lead){
	"contact_name": func(d, s *Lead) { d.ContactName = s.ContactName },
	"company":      func(d, s *Lead) { d.Company = s.Company },
	"title":        func(d, s *Lead) { d.Title = s.Title },
	"phone":        func(d, s *Lead) { d.Phone = s.Phone },
	"email":        func(d, s *Lead) { d.Email = s.Email },
	"wechat":       func(d, s *Lead) { d.WeChat = s.WeChat },
	"source":       func(d, s *Lead) { d.Source = s.Source },
	"region":       func(d, s *Lead) { d.Region = s.Region },
	"industry":     func(d, s *Lead) { d.Industry = s.Industry },
	"notes":        func(d, s *Lead) { d.Notes = s.Notes },
	"score":        func(d, s *Lead) { d.Score = s.Score },
	"next_follow_up_at": func(d, s *Lead) {
		d.NextFollowUpAt = s.NextFollowUpAt
	},
}

// checkMergeable refuses a lead that cannot take part in a merge.
func checkMergeable(l *Lead, field string) error {
	switch {
	case l.MergedIntoID != nil:
		return apperr.Invalid(field, "lead %s was already merged into %s", l.ID, *l.MergedIntoID)
	case l.Status == StatusConverted:
		return apperr.Invalid(field, "lead %s is converted: a converted lead is the record of its conversion and is not merged", l.ID)
	}
	return nil
}

// checkNotMerged refuses to change a merged lead: it is history now.
func checkNotMerged(l *Lead) error {
	if l.MergedIntoID != nil {
		return apperr.Conflict("the lead was merged into %s and is kept as history; change that lead instead", *l.MergedIntoID)
	}
	return nil
}

// Merge folds the leads in.FromIDs into the lead id at the caller's version
// of it, in one transaction: the merged leads are marked, the survivor takes
// the chosen fields, the hooks move every child row, and both sides get an
// audit entry. Any refusal undoes all of it.
func (s *Service) Merge(ctx context.Context, id string, version int64, in MergeInput) (*Lead, error) {
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		from, err := mergeSources(id, in.FromIDs)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("lead", old.Version, version); err != nil {
			return err
		}
		if err := checkMergeable(old, "path.id"); err != nil {
			return err
		}
		if err := checkFieldChoices(id, from, in.Fields); err != nil {
			return err
		}
		survivor := *old
		byID := map[string]*Lead{id: old}
		for _, fid := range from {
			m, err := s.mergeOne(ctx, tx, old, fid)
			if err != nil {
				return err
			}
			byID[fid] = m
			survivor.LastFollowUpAt = later(survivor.LastFollowUpAt, m.LastFollowUpAt)
		}
		for field, src := range in.Fields {
			mergeFields[field](&survivor, byID[src])
		}
		return s.saveSurvivor(ctx, tx, old, &survivor, from)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// mergeSources checks the list of leads to merge: at least one, no more
// than maxMergeSources, valid ids, never the survivor itself. Repeats count once.
func mergeSources(into string, fromIDs []string) ([]string, error) {
	if len(fromIDs) == 0 {
		return nil, apperr.Invalid("body.from_ids", "name at least one lead to merge into this one")
	}
	var out []string
	for _, f := range fromIDs {
		switch {
		case !ids.Valid(f):
			return nil, apperr.Invalid("body.from_ids", "%q is not a lead id", f)
		case f == into:
			return nil, apperr.Invalid("body.from_ids", "a lead cannot be merged into itself")
		case !slices.Contains(out, f):
			out = append(out, f)
		}
	}
	if len(out) > maxMergeSources {
		return nil, apperr.Invalid("body.from_ids", "at most %d leads are merged at once", maxMergeSources)
	}
	return out, nil
}

// checkFieldChoices: every chosen field is one a merge takes, from a lead of
// the merge.
func checkFieldChoices(into string, from []string, fields map[string]string) error {
	for field, src := range fields {
		if _, ok := mergeFields[field]; !ok {
			return apperr.Invalid("body.fields."+field, "is not a field a merge takes from another lead")
		}
		if src != into && !slices.Contains(from, src) {
			return apperr.Invalid("body.fields."+field, "must name this lead or one of from_ids")
		}
	}
	return nil
}

// mergeOne marks one lead as merged into the survivor, moves its child rows
// through the hooks and records the merge in its history. It answers the
// lead as it was, for the field choices.
func (s *Service) mergeOne(ctx context.Context, tx bun.Tx, into *Lead, id string) (*Lead, error) {
	old, err := s.Get(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, apperr.Invalid("body.from_ids", "no lead %s in your data scope", id)
	} else if err != nil {
		return nil, err
	}
	if err := checkMergeable(old, "body.from_ids"); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	m := *old
	m.MergedIntoID, m.MergedAt = &into.ID, utc(&now)
	m.Status, m.DisqualifyReason = StatusDisqualified, "merged into "+into.ID
	m.PoolID, m.PooledAt = nil, nil
	m.PhoneKey, m.EmailKey, m.CompanyKey = "", "", ""
	m.UpdatedAt, m.Version = now, old.Version+1
	res, err := tx.NewUpdate().Model(&m).
		Column("merged_into_id", "merged_at", "status", "disqualify_reason", "pool_id", "pooled_at",
			"phone_key", "email_key", "company_key", "updated_at", "version").
		Where("id = ? AND tenant_id = ? AND version = ?", id, old.TenantID, old.Version).Exec(ctx)
	if err := db.Versioned(res, err, "lead", old.Version); err != nil {
		return nil, err
	}
	hooked := Merged{TenantID: old.TenantID, IntoID: into.ID, FromIDs: []string{id}, OwnerID: into.OwnerID,
		DepartmentID: into.DepartmentID}
	for _, h := range s.MergeHooks {
		if err := h(ctx, tx, hooked); err != nil {
			return nil, err
		}
	}
	return old, audit.Record(ctx, tx, audit.Update, "lead", id, audit.Diff(old, &m))
}

// saveSurvivor writes the survivor's new values and its "merged from" entry.
func (s *Service) saveSurvivor(ctx context.Context, tx bun.Tx, old, l *Lead, from []string) error {
	p := auth.From(ctx)
	changes := append(audit.Diff(old, l), audit.Change{Field: "merged_from", Old: nil, New: from})
	l.setKeys()
	l.UpdatedAt, l.Version = time.Now().UTC(), old.Version+1
	res, err := tx.NewUpdate().Model(l).Column(updatable...).
		Where("id = ? AND tenant_id = ? AND version = ?", l.ID, p.TenantID, old.Version).Exec(ctx)
	if err := db.Versioned(res, err, "lead", old.Version); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Update, "lead", l.ID, changes)
}

// later is the later of two optional times.
func later(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}
