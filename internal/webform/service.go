package webform

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/assign"
	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
	"github.com/rudder-crm/rudder/internal/pool"
)

// Service is the web form feature's logic over its store.
type Service struct {
	DB     *db.DB
	Leads  *lead.Service
	Assign *assign.Service
}

// DefaultRateLimit is a form's submissions per hour from everyone together
// when its creator names none.
const DefaultRateLimit = 100

// WebFormInput creates a web form.
type WebFormInput struct {
	Name             string `json:"name" minLength:"1" maxLength:"80"`
	Enabled          *bool  `json:"enabled,omitempty" doc:"Default true."`
	Target           string `json:"target" enum:"rules,pool" doc:"rules: the lead lands in pool_id and the assignment rules route it from there; pool: it stays in pool_id."`
	PoolID           string `json:"pool_id" format:"uuid" doc:"A lead pool in your data scope."`
	DefaultSource    string `json:"default_source,omitempty" maxLength:"40" doc:"The source of the leads; default web_form."`
	DefaultIndustry  string `json:"default_industry,omitempty" maxLength:"40"`
	DefaultRegion    string `json:"default_region,omitempty" maxLength:"40"`
	RateLimitPerHour int    `json:"rate_limit_per_hour,omitempty" minimum:"1" maximum:"100000" doc:"Submissions per hour from everyone together; default 100."`
}

// WebFormPatch changes some fields of a web form.
type WebFormPatch struct {
	Name             *string `json:"name,omitempty" minLength:"1" maxLength:"80"`
	Enabled          *bool   `json:"enabled,omitempty"`
	Target           *string `json:"target,omitempty" enum:"rules,pool"`
	PoolID           *string `json:"pool_id,omitempty" format:"uuid"`
	DefaultSource    *string `json:"default_source,omitempty" maxLength:"40"`
	DefaultIndustry  *string `json:"default_industry,omitempty" maxLength:"40"`
	DefaultRegion    *string `json:"default_region,omitempty" maxLength:"40"`
	RateLimitPerHour *int    `json:"rate_limit_per_hour,omitempty" minimum:"1" maximum:"100000"`
}

// NewToken makes a form's public secret: 192 random bits, URL-safe.
func NewToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Service) forms(ctx context.Context) *bun.SelectQuery {
	return s.DB.R(ctx).NewSelect().Model((*WebForm)(nil)).Where("wf.tenant_id = ?", auth.From(ctx).TenantID)
}

func withPath(f *WebForm) *WebForm {
	f.Path = "/f/" + f.Token
	return f
}

// Get returns one web form of the caller's tenant.
func (s *Service) Get(ctx context.Context, id string) (*WebForm, error) {
	var f WebForm
	err := s.forms(ctx).Where("wf.id = ?", id).Scan(ctx, &f)
	return withPath(&f), db.NotFound(err, "web form")
}

// List returns one page of the tenant's web forms, oldest first.
func (s *Service) List(ctx context.Context, limit int, cursor string) (httpx.Page[WebForm], error) {
	var page httpx.Page[WebForm]
	keys, err := httpx.DecodeCursor(cursor, "id", 1)
	if err != nil {
		return page, err
	}
	q := s.forms(ctx)
	if keys != nil {
		q = q.Where("wf.id > ?", keys[0])
	}
	var rows []WebForm
	if err := q.OrderExpr("wf.id ASC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	for i := range rows {
		withPath(&rows[i])
	}
	page.Items = rows
	if more {
		page.NextCursor = httpx.EncodeCursor("id", rows[len(rows)-1].ID)
	}
	return page, nil
}

// checkPool refuses a pool the caller cannot see or that holds no leads.
func (s *Service) checkPool(ctx context.Context, id string) error {
	pl, err := (&pool.Service{DB: s.DB}).Get(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) {
		return apperr.Invalid("body.pool_id", "no pool of that id in your data scope")
	} else if err != nil {
		return err
	}
	if pl.Kind != "" && pl.Kind != "lead" {
		return apperr.Invalid("body.pool_id", "is not a pool of leads")
	}
	return nil
}

// Create adds a web form with a fresh token.
func (s *Service) Create(ctx context.Context, in WebFormInput) (*WebForm, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	f := &WebForm{ID: ids.New(), TenantID: p.TenantID, Name: strings.TrimSpace(in.Name), Enabled: in.Enabled == nil || *in.Enabled,
		Target: in.Target, PoolID: in.PoolID, DefaultSource: strings.TrimSpace(in.DefaultSource),
		DefaultIndustry: strings.TrimSpace(in.DefaultIndustry), DefaultRegion: strings.TrimSpace(in.DefaultRegion),
		RateLimitPerHour: in.RateLimitPerHour, Token: NewToken(), CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if f.RateLimitPerHour == 0 {
		f.RateLimitPerHour = DefaultRateLimit
	}
	if f.Name == "" {
		return nil, apperr.Invalid("body.name", "is required")
	}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkPool(ctx, f.PoolID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(f).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "web_form", f.ID, audit.Diff(nil, f))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, f.ID)
}

// updatable are the columns an update writes.
var updatable = []string{"name", "enabled", "target", "pool_id", "default_source", "default_industry", "default_region",
	"rate_limit_per_hour", "token", "updated_at", "version"}

// change applies fn to the form at the caller's version and writes what
// changed (extra: changes Diff cannot see, like a rotated token).
func (s *Service) change(ctx context.Context, id string, version int64, fn func(ctx context.Context, f *WebForm) ([]audit.Change, error)) (*WebForm, error) {
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("web form", old.Version, version); err != nil {
			return err
		}
		f := *old
		extra, err := fn(ctx, &f)
		if err != nil {
			return err
		}
		changes := append(audit.Diff(old, &f), extra...)
		if len(changes) == 0 {
			return nil
		}
		f.UpdatedAt, f.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&f).Column(updatable...).
			Where("id = ? AND tenant_id = ? AND version = ?", id, old.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "web form", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "web_form", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Update applies a patch at the caller's version.
func (s *Service) Update(ctx context.Context, id string, version int64, in WebFormPatch) (*WebForm, error) {
	return s.change(ctx, id, version, func(ctx context.Context, f *WebForm) ([]audit.Change, error) {
		for _, c := range []struct {
			dst *string
			src *string
		}{{&f.Name, in.Name}, {&f.DefaultSource, in.DefaultSource}, {&f.DefaultIndustry, in.DefaultIndustry},
			{&f.DefaultRegion, in.DefaultRegion}, {&f.Target, in.Target}} {
			if c.src != nil {
				*c.dst = strings.TrimSpace(*c.src)
			}
		}
		if f.Name == "" {
			return nil, apperr.Invalid("body.name", "is required")
		}
		if in.Enabled != nil {
			f.Enabled = *in.Enabled
		}
		if in.RateLimitPerHour != nil {
			f.RateLimitPerHour = *in.RateLimitPerHour
		}
		if in.PoolID != nil && *in.PoolID != f.PoolID {
			if err := s.checkPool(ctx, *in.PoolID); err != nil {
				return nil, err
			}
			f.PoolID = *in.PoolID
		}
		return nil, nil
	})
}

// RotateToken gives the form a new token: the old link stops working.
func (s *Service) RotateToken(ctx context.Context, id string, version int64) (*WebForm, error) {
	return s.change(ctx, id, version, func(_ context.Context, f *WebForm) ([]audit.Change, error) {
		f.Token = NewToken()
		return []audit.Change{{Field: "token", Old: "(hidden)", New: "(rotated)"}}, nil
	})
}

// Delete removes a form at the caller's version; the leads it made stay.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("web form", old.Version, version); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("web_forms").Where("id = ? AND tenant_id = ? AND version = ?", id, old.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "web form", old.Version); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Table("web_form_hits").Where("form_id = ?", id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "web_form", id, audit.Diff(old, nil))
	})
}

// Submissions lists the leads a form made, newest first.
func (s *Service) Submissions(ctx context.Context, id string, limit int, cursor string) (httpx.Page[WebFormSubmission], error) {
	if _, err := s.Get(ctx, id); err != nil {
		return httpx.Page[WebFormSubmission]{}, err
	}
	// The lead's fields only within the caller's data scope: the form is the
	// tenant's, its leads are not all the caller's to read.
	scope, args := auth.From(ctx).ScopeSQL("l.tenant_id", "l.owner_id", "l.department_id")
	q := s.DB.R(ctx).NewSelect().Model((*WebFormSubmission)(nil)).ColumnExpr("ws.*").
		ColumnExpr("l.id IS NOT NULL AS lead_visible").
		ColumnExpr("COALESCE(l.contact_name, '') AS contact_name, COALESCE(l.company, '') AS company, COALESCE(l.phone, '') AS phone").
		Join("LEFT JOIN leads AS l ON l.id = ws.lead_id AND "+scope, args...).
		Where("ws.tenant_id = ? AND ws.form_id = ?", auth.From(ctx).TenantID, id)
	return httpx.NewestFirst(ctx, q, "ws.id", limit, cursor, func(w *WebFormSubmission) string { return w.ID })
}
