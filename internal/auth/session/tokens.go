package session

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Token is an API token as listed: never its secret.
type Token struct {
	bun.BaseModel `bun:"table:api_tokens"`
	ID            string     `bun:"id,pk" json:"id"`
	TenantID      string     `bun:"tenant_id" json:"-"`
	UserID        string     `bun:"user_id" json:"user_id"`
	Name          string     `bun:"name" json:"name"`
	Prefix        string     `bun:"prefix" json:"prefix" doc:"The first characters of the token, to recognise it."`
	Hash          string     `bun:"hash" json:"-" audit:"-"`
	CreatedAt     time.Time  `bun:"created_at" json:"created_at"`
	LastUsedAt    *time.Time `bun:"last_used_at" json:"last_used_at"`
	ExpiresAt     *time.Time `bun:"expires_at" json:"expires_at"`
	RevokedAt     *time.Time `bun:"revoked_at" json:"revoked_at,omitempty"`
	UpdatedAt     time.Time  `bun:"updated_at" json:"updated_at"`
	Version       int64      `bun:"version" json:"version"`
}

// NewToken is a created token with its secret, shown only this once.
type NewToken struct {
	Token
	Secret string `json:"token" doc:"The token itself. It is shown only now; store it safely."`
}

// own selects the caller's live tokens.
func own(ctx context.Context, d *db.DB) *bun.SelectQuery {
	p := auth.From(ctx)
	return d.R(ctx).NewSelect().Model((*Token)(nil)).
		Where("tenant_id = ? AND user_id = ? AND revoked_at IS NULL", p.TenantID, p.UserID)
}

func getOwn(ctx context.Context, d *db.DB, id string) (*Token, error) {
	var t Token
	err := own(ctx, d).Where("id = ?", id).Limit(1).Scan(ctx, &t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("token")
	}
	return &t, err
}

type idInput struct {
	ID string `path:"id" format:"uuid"`
}

func registerTokens(api huma.API, d *db.DB, cache *Cache) {
	access := httpx.Perm("token.manage")
	httpx.Register(api, huma.Operation{
		OperationID: "list-tokens", Method: http.MethodGet, Path: "/api/v1/tokens", Tags: []string{"tokens"},
		Summary: "List my API tokens",
	}, access, func(ctx context.Context, in *struct{ httpx.PageParams }) (*struct{ Body httpx.Page[Token] }, error) {
		keys, err := httpx.DecodeCursor(in.Cursor, "-id", 1)
		if err != nil {
			return nil, err
		}
		q := own(ctx, d)
		if keys != nil {
			q = q.Where("id < ?", keys[0])
		}
		var rows []Token
		if err := q.OrderExpr("id DESC").Limit(int64(in.Limit+1)).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		out := &struct{ Body httpx.Page[Token] }{}
		rows, more := httpx.Trim(rows, in.Limit)
		out.Body.Items = rows
		if more {
			out.Body.NextCursor = httpx.EncodeCursor("-id", rows[len(rows)-1].ID)
		}
		return out, nil
	})

	httpx.Register(api, huma.Operation{
		OperationID: "create-token", Method: http.MethodPost, Path: "/api/v1/tokens", Tags: []string{"tokens"},
		Summary: "Create an API token", DefaultStatus: http.StatusCreated,
	}, access, func(ctx context.Context, in *struct {
		Body struct {
			Name          string `json:"name" minLength:"1" maxLength:"100"`
			ExpiresInDays int    `json:"expires_in_days,omitempty" minimum:"0" maximum:"3650" doc:"0 or absent: never expires."`
		}
	}) (*struct{ Body NewToken }, error) {
		p := auth.From(ctx)
		secret, hash := newSecret(tokenPrefix)
		now := time.Now().UTC()
		t := Token{ID: ids.New(), TenantID: p.TenantID, UserID: p.UserID, Name: in.Body.Name, Prefix: secret[:12],
			Hash: hash, CreatedAt: now, UpdatedAt: now, Version: 1}
		if in.Body.ExpiresInDays > 0 {
			exp := now.AddDate(0, 0, in.Body.ExpiresInDays)
			t.ExpiresAt = &exp
		}
		err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.NewInsert().Model(&t).Exec(ctx); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Create, "token", t.ID, audit.Diff(nil, &t))
		})
		if err != nil {
			return nil, err
		}
		return &struct{ Body NewToken }{Body: NewToken{Token: t, Secret: secret}}, nil
	})

	httpx.Register(api, huma.Operation{
		OperationID: "revoke-token", Method: http.MethodDelete, Path: "/api/v1/tokens/{id}", Tags: []string{"tokens"},
		Summary: "Revoke an API token", DefaultStatus: http.StatusNoContent,
	}, access, func(ctx context.Context, in *idInput) (*struct{}, error) {
		err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			old, err := getOwn(ctx, d, in.ID)
			if err != nil {
				return err
			}
			now := time.Now().UTC()
			upd := *old
			upd.RevokedAt, upd.UpdatedAt, upd.Version = &now, now, old.Version+1
			if _, err := tx.NewUpdate().Model(&upd).Column("revoked_at", "updated_at", "version").WherePK().Exec(ctx); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Delete, "token", old.ID, audit.Diff(old, &upd))
		})
		if err == nil {
			cache.ForgetTenant(auth.From(ctx).TenantID)
		}
		return nil, err
	})

	audit.RegisterHistory(api, d, "tokens", "token", access, func(ctx context.Context, id string) error {
		// History stays visible after revocation, so look at all the caller's tokens.
		p := auth.From(ctx)
		n, err := d.R(ctx).NewSelect().Model((*Token)(nil)).Where("tenant_id = ? AND user_id = ? AND id = ?", p.TenantID, p.UserID, id).Count(ctx)
		if err == nil && n == 0 {
			return apperr.NotFound("token")
		}
		return err
	})
}
