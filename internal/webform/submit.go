package webform

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
	"github.com/rudder-crm/rudder/internal/pool"
)

// Submission is what a visitor sends. Website is the honeypot: hidden from
// people, filled in by bots that fill every field.
type Submission struct {
	Name    string `json:"name"`
	Company string `json:"company"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Message string `json:"message" multiline:"true"`
	Website string `json:"website"`
}

// FieldError is one refused field of a submission. Code picks the message
// the page shows in the visitor's language.
type FieldError struct {
	Field string // name, company, phone, email, message
	Code  string // required, too_long, invalid, bad_chars
}

var (
	phonePattern = regexp.MustCompile(`^[0-9０-９+() -]*$`)
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// maxLen are the field limits, the same as a lead's.
var maxLen = map[string]int{"name": 60, "company": 100, "phone": 30, "email": 254, "message": 2000}

// Validate checks a submission after trimming it: a name and a way to reach
// the person (phone or email) are required; lengths, patterns and control
// characters are checked as the API checks them.
func Validate(in *Submission) []FieldError {
	in.Name, in.Company = strings.TrimSpace(in.Name), strings.TrimSpace(in.Company)
	in.Phone, in.Email = strings.TrimSpace(in.Phone), strings.TrimSpace(in.Email)
	in.Message = strings.TrimSpace(in.Message)
	var out []FieldError
	bad := map[string]bool{}
	for _, e := range httpx.CheckStrings(struct{ Body Submission }{*in}) {
		var d *huma.ErrorDetail
		if errors.As(e, &d) {
			f := strings.TrimPrefix(d.Location, "body.")
			if _, ok := maxLen[f]; ok && !bad[f] {
				bad[f] = true
				out = append(out, FieldError{f, "bad_chars"})
			}
		}
	}
	for _, f := range []struct {
		name, v string
	}{{"name", in.Name}, {"company", in.Company}, {"phone", in.Phone}, {"email", in.Email}, {"message", in.Message}} {
		switch {
		case bad[f.name]:
		case utf8.RuneCountInString(f.v) > maxLen[f.name]:
			out = append(out, FieldError{f.name, "too_long"})
		case f.name == "name" && f.v == "":
			out = append(out, FieldError{f.name, "required"})
		case f.name == "phone" && f.v != "" && !phonePattern.MatchString(f.v),
			f.name == "email" && f.v != "" && !emailPattern.MatchString(f.v):
			out = append(out, FieldError{f.name, "invalid"})
		}
	}
	if in.Phone == "" && in.Email == "" && !bad["phone"] && !bad["email"] {
		out = append(out, FieldError{"phone", "contact_required"})
	}
	return out
}

// ByToken finds an enabled form by its public token, in any tenant.
func (s *Service) ByToken(ctx context.Context, token string) (*WebForm, error) {
	var f WebForm
	err := s.DB.Read.NewSelect().Model(&f).Where("wf.token = ? AND wf.enabled = ?", token, true).Scan(ctx)
	return &f, db.NotFound(err, "web form")
}

// Rate limits of the public form: per visitor address, and per form from
// everyone together (the form's rate_limit_per_hour).
const (
	PerIPLimit  = 5
	PerIPWindow = 10 * time.Minute
	FormWindow  = time.Hour
)

type hit struct {
	IP string    `bun:"ip"`
	At time.Time `bun:"at"`
}

// Admit counts a submission from ip against the form's limits and answers
// how long the visitor must wait (0: admitted, and the hit is recorded).
// The hits live in the database, so every instance counts the same; on
// PostgreSQL the form's row is locked while counting, so two instances
// cannot both admit the last allowed submission.
func (s *Service) Admit(ctx context.Context, f *WebForm, ip string) (time.Duration, error) {
	var wait time.Duration
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		wait = 0
		now := time.Now().UTC()
		if s.DB.Dialect == db.Postgres {
			var id string
			if err := tx.NewSelect().Table("web_forms").Column("id").Where("id = ?", f.ID).For("UPDATE").Scan(ctx, &id); err != nil {
				return db.NotFound(err, "web form")
			}
		}
		if _, err := tx.NewDelete().Table("web_form_hits").Where("form_id = ? AND at <= ?", f.ID, now.Add(-FormWindow)).Exec(ctx); err != nil {
			return err
		}
		var hits []hit
		if err := tx.NewSelect().Table("web_form_hits").Column("ip", "at").Where("form_id = ?", f.ID).
			OrderExpr("at ASC").Scan(ctx, &hits); err != nil {
			return err
		}
		var mine []time.Time
		for _, h := range hits {
			if h.IP == ip && h.At.After(now.Add(-PerIPWindow)) {
				mine = append(mine, h.At)
			}
		}
		if len(mine) >= PerIPLimit {
			wait = mine[len(mine)-PerIPLimit].Add(PerIPWindow).Sub(now)
		}
		if len(hits) >= f.RateLimitPerHour {
			wait = max(wait, hits[len(hits)-f.RateLimitPerHour].At.Add(FormWindow).Sub(now))
		}
		if wait > 0 {
			wait = max(wait, time.Second)
			return nil
		}
		_, err := tx.NewInsert().Table("web_form_hits").Model(&map[string]any{"id": ids.New(), "form_id": f.ID, "ip": ip, "at": now}).Exec(ctx)
		return err
	})
	return wait, err
}

// CountSpam notes a honeypot hit on the form (bookkeeping: no version, no audit).
func (s *Service) CountSpam(ctx context.Context, f *WebForm) error {
	_, err := s.DB.Write.NewUpdate().Table("web_forms").Set("spam_blocked = spam_blocked + 1").Where("id = ?", f.ID).Exec(ctx)
	return err
}

// ErrUnavailable means the form's pool is gone: the form takes no leads
// until an admin names another pool.
var ErrUnavailable = errors.New("webform: the form's pool no longer exists")

// systemContext acts for the form's tenant as the system, named after the
// form in the audit trail.
func systemContext(ctx context.Context, f *WebForm) context.Context {
	perms := map[string]bool{}
	for _, p := range auth.Permissions {
		perms[p] = true
	}
	return auth.With(ctx, &auth.Principal{TenantID: f.TenantID, UserID: "system", UserName: "web form: " + f.Name,
		Perms: perms, Scope: auth.ScopeAll})
}

// Submit turns a validated submission into a lead, in one transaction: the
// lead lands in the form's pool (recorded in its pool history), then, for
// a form with target rules, the assignment rules route it exactly as they
// route any lead. Duplicates are let in and counted on the submission row.
func (s *Service) Submit(ctx context.Context, f *WebForm, in Submission, ip string) (string, error) {
	ctx = systemContext(ctx, f)
	reason := "web form: " + f.Name
	var leadID string
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var pl pool.Pool
		if err := tx.NewSelect().Model(&pl).Column("p.id", "p.department_id").Where("p.id = ? AND p.tenant_id = ?", f.PoolID, f.TenantID).
			Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrUnavailable
			}
			return err
		}
		l := newLead(f, in, &pl)
		leadID = l.ID
		matches, err := s.Leads.Matches(ctx, lead.Keys{Phone: l.PhoneKey, Email: l.EmailKey, Company: l.CompanyKey},
			lead.MatchOptions{Leads: true, Customers: true})
		if err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(l).Exec(ctx); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Create, "lead", l.ID, audit.Diff(nil, l)); err != nil {
			return err
		}
		if err := pool.RecordEvent(ctx, tx, l.ID, &pl.ID, nil, pool.KindAssign, reason); err != nil {
			return err
		}
		if f.Target == TargetRules {
			if _, err := s.Assign.Route(ctx, l.ID, reason); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		if _, err := tx.NewInsert().Model(&WebFormSubmission{ID: ids.New(), TenantID: f.TenantID, FormID: f.ID, LeadID: l.ID,
			Duplicates: len(matches), IP: ip, CreatedAt: now}).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewUpdate().Table("web_forms").Set("submissions = submissions + 1").Where("id = ?", f.ID).Exec(ctx)
		return err
	})
	return leadID, err
}

// newLead is the lead a submission becomes, sitting in the form's pool.
func newLead(f *WebForm, in Submission, pl *pool.Pool) *lead.Lead {
	now := time.Now().UTC()
	source := f.DefaultSource
	if source == "" {
		source = "web_form"
	}
	l := &lead.Lead{ID: ids.New(), TenantID: f.TenantID, ContactName: in.Name, Company: in.Company, Phone: in.Phone,
		Email: in.Email, Source: source, Region: f.DefaultRegion, Industry: f.DefaultIndustry, Status: lead.StatusNew,
		Notes: in.Message, PoolID: &pl.ID, DepartmentID: &pl.DepartmentID, PooledAt: &now,
		CreatedBy: "system", CreatedAt: now, UpdatedAt: now, Version: 1}
	l.PhoneKey, l.EmailKey, l.CompanyKey = lead.PhoneKey(l.Phone), lead.EmailKey(l.Email), lead.CompanyKey(l.Company)
	return l
}
