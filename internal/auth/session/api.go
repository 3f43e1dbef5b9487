package session

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Options configure the session routes.
type Options struct {
	// CookieSecure marks the session cookie Secure (serve over HTTPS).
	CookieSecure bool
	// Cache holds recently resolved principals (nil: none).
	Cache *Cache
}

// SignedInBody answers a sign-in or sign-up.
type SignedInBody[U any] struct {
	Issued
	User *U `json:"user"`
}

// SignedIn is the response of a sign-in: the cookie and the body.
type SignedIn[U any] struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      SignedInBody[U]
}

// MeBody is GET /me.
type MeBody[U any] struct {
	User        *U       `json:"user"`
	Tenant      IDName   `json:"tenant"`
	Role        RoleRef  `json:"role"`
	Permissions []string `json:"permissions" nullable:"false"`
	DataScope   string   `json:"data_scope" enum:"own,department,all"`
}

// IDName is a reference by id with a display name.
type IDName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// RoleRef names a role.
type RoleRef struct {
	ID   string `json:"id"`
	Key  string `json:"key,omitempty"`
	Name string `json:"name"`
}

// Cookie builds the session cookie for an issued session.
func (o Options) Cookie(is Issued) http.Cookie {
	return http.Cookie{Name: Cookie, Value: is.Token, Path: "/", HttpOnly: true, Secure: o.CookieSecure,
		SameSite: http.SameSiteLaxMode, Expires: is.ExpiresAt}
}

// Register mounts sign-in, sign-out, /me and the API token routes. lookup
// loads the user record shown in answers (the org package owns its shape).
func Register[U any](api huma.API, d *db.DB, o Options, lookup func(ctx context.Context, id string) (*U, error)) {
	httpx.Register(api, huma.Operation{
		OperationID: "create-session", Method: http.MethodPost, Path: "/api/v1/sessions", Tags: []string{"sessions"},
		Summary: "Sign in", DefaultStatus: http.StatusCreated, Errors: []int{401, 429},
	}, httpx.Public, func(ctx context.Context, in *struct {
		Body struct {
			Email    string `json:"email" maxLength:"254" minLength:"3"`
			Password string `json:"password" minLength:"1" maxLength:"128"`
		}
	}) (*SignedIn[U], error) {
		email := strings.ToLower(strings.TrimSpace(in.Body.Email))
		ip := clientIP(ctx)
		wait, err := Throttled(ctx, d, email, ip)
		if err != nil {
			return nil, err
		}
		if wait > 0 {
			return nil, huma.ErrorWithHeaders(httpx.ToProblem(ctx, tooMany()),
				http.Header{"Retry-After": {strconv.Itoa(int(wait.Seconds() + 0.999))}})
		}
		var u struct {
			ID, TenantID, Hash, Status string
		}
		err = d.Read.QueryRowContext(ctx, `SELECT id, tenant_id, password_hash, status FROM users WHERE email = ?`, email).
			Scan(&u.ID, &u.TenantID, &u.Hash, &u.Status)
		if errors.Is(err, sql.ErrNoRows) {
			auth.BurnPasswordCheck(in.Body.Password)
		} else if err != nil {
			return nil, err
		}
		if u.ID == "" || !auth.VerifyPassword(u.Hash, in.Body.Password) || u.Status != "active" {
			if err := RecordFailure(ctx, d, email, ip); err != nil {
				return nil, err
			}
			return nil, huma.Error401Unauthorized("email or password is wrong, or the account is disabled")
		}
		var is Issued
		err = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := ClearFailures(ctx, tx, email, ip); err != nil {
				return err
			}
			is, err = Create(ctx, tx, u.TenantID, u.ID)
			return err
		})
		if err != nil {
			return nil, err
		}
		user, err := lookupAs(ctx, d, is.Token, lookup, u.ID)
		if err != nil {
			return nil, err
		}
		return &SignedIn[U]{SetCookie: o.Cookie(is), Body: SignedInBody[U]{Issued: is, User: user}}, nil
	})

	httpx.Register(api, huma.Operation{
		OperationID: "delete-session", Method: http.MethodDelete, Path: "/api/v1/sessions/current", Tags: []string{"sessions"},
		Summary: "Sign out", DefaultStatus: http.StatusNoContent,
	}, httpx.SignedIn, func(ctx context.Context, _ *struct{}) (*struct {
		SetCookie http.Cookie `header:"Set-Cookie"`
	}, error) {
		p := auth.From(ctx)
		if p.Credential != "session" {
			return nil, apperr.Conflict("this request used an API token; revoke it at /api/v1/tokens instead")
		}
		if err := End(ctx, d, p.CredentialHash); err != nil {
			return nil, err
		}
		o.Cache.Forget(p.CredentialHash)
		return &struct {
			SetCookie http.Cookie `header:"Set-Cookie"`
		}{SetCookie: http.Cookie{Name: Cookie, Value: "", Path: "/", HttpOnly: true, Secure: o.CookieSecure, MaxAge: -1}}, nil
	})

	httpx.Register(api, huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/api/v1/me", Tags: []string{"sessions"},
		Summary: "The signed-in user with role, permissions and data scope",
	}, httpx.SignedIn, func(ctx context.Context, _ *struct{}) (*struct{ Body MeBody[U] }, error) {
		p := auth.From(ctx)
		user, err := lookup(ctx, p.UserID)
		if err != nil {
			return nil, err
		}
		perms := make([]string, 0, len(p.Perms))
		for k := range p.Perms {
			perms = append(perms, k)
		}
		slices.Sort(perms)
		return &struct{ Body MeBody[U] }{Body: MeBody[U]{User: user, Tenant: IDName{ID: p.TenantID, Name: p.TenantName},
			Role: RoleRef{ID: p.RoleID, Key: p.RoleKey, Name: p.RoleName}, Permissions: perms, DataScope: p.Scope}}, nil
	})

	registerTokens(api, d, o.Cache)
}

// lookupAs loads the user record as the freshly signed-in user would see it.
func lookupAs[U any](ctx context.Context, d *db.DB, secret string, lookup func(context.Context, string) (*U, error), id string) (*U, error) {
	p, err := Resolve(ctx, d, secret)
	if err != nil || p == nil {
		return nil, errors.Join(err, errors.New("new session did not resolve"))
	}
	return lookup(auth.With(ctx, p), id)
}

type ipKey struct{}

// WithClientIP stores the caller's address for the login throttle.
func WithClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ipKey{}, httpx.ClientIP(r))))
	})
}

func clientIP(ctx context.Context) string {
	s, _ := ctx.Value(ipKey{}).(string)
	return s
}
