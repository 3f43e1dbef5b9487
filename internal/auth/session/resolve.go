// Package session signs callers in and out: browser sessions, API tokens,
// login throttling, and the middleware that turns a cookie or bearer token
// into the request's auth.Principal.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Cookie is the session cookie's name.
const Cookie = "rudder_session"

// Credential prefixes tell a session from an API token at a glance (and let
// secret scanners recognise leaked ones).
const (
	sessionPrefix = "rds_"
	tokenPrefix   = "rdr_"
)

// Lifetimes.
const (
	SessionTTL  = 7 * 24 * time.Hour // absolute
	SessionIdle = 12 * time.Hour     // without a request
	// touchEvery bounds how often a session's last-seen time is written, so
	// reads do not turn into writes.
	touchEvery = 5 * time.Minute
)

// newSecret returns a credential with its prefix and the hash that is stored.
func newSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Middleware puts the Principal of a valid session cookie or bearer token
// into the request context. An absent or invalid credential leaves the request
// anonymous; each route decides whether that is enough.
func Middleware(d *db.DB, cache *Cache, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := credential(r)
		if secret == "" || len(secret) > 100 {
			next.ServeHTTP(w, r)
			return
		}
		hash, now := hashSecret(secret), time.Now()
		p := cache.get(hash, now)
		var err error
		if p == nil {
			if p, err = Resolve(r.Context(), d, secret); p != nil {
				cache.put(hash, p, now)
			}
		}
		if err != nil {
			slog.ErrorContext(r.Context(), "resolve credential", "err", err)
			w.Header().Set("Retry-After", "1")
			http.Error(w, "authentication store unavailable", http.StatusServiceUnavailable)
			return
		}
		if p != nil {
			r = r.WithContext(auth.With(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

func credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if s, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(s)
		}
		return ""
	}
	if c, err := r.Cookie(Cookie); err == nil {
		return c.Value
	}
	return ""
}

// Resolve returns the principal for a credential, nil when it is unknown,
// expired, revoked or its user is disabled.
func Resolve(ctx context.Context, d *db.DB, secret string) (*auth.Principal, error) {
	if len(secret) > 100 {
		return nil, nil
	}
	hash := hashSecret(secret)
	now := time.Now().UTC()
	var (
		p        auth.Principal
		perms    string
		lastSeen sql.NullTime // sessions: last request; tokens: last use, if any
		expires  sql.NullTime
	)
	var q string
	switch {
	case strings.HasPrefix(secret, sessionPrefix):
		p.Credential = "session"
		q = `SELECT u.id, u.tenant_id, t.name, u.name, u.email, COALESCE(u.department_id, ''), u.role_id,
			COALESCE(r.key, ''), r.name, r.permissions, r.data_scope, COALESCE(d.path, ''), s.last_seen_at, s.expires_at
			FROM sessions s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = u.role_id
			JOIN tenants t ON t.id = u.tenant_id LEFT JOIN departments d ON d.id = u.department_id
			WHERE s.hash = ? AND u.status = 'active'`
	case strings.HasPrefix(secret, tokenPrefix):
		p.Credential = "token"
		q = `SELECT u.id, u.tenant_id, t.name, u.name, u.email, COALESCE(u.department_id, ''), u.role_id,
			COALESCE(r.key, ''), r.name, r.permissions, r.data_scope, COALESCE(d.path, ''), k.last_used_at, k.expires_at
			FROM api_tokens k JOIN users u ON u.id = k.user_id JOIN roles r ON r.id = u.role_id
			JOIN tenants t ON t.id = u.tenant_id LEFT JOIN departments d ON d.id = u.department_id
			WHERE k.hash = ? AND k.revoked_at IS NULL AND u.status = 'active'`
	default:
		return nil, nil
	}
	err := d.QueryRow(ctx, q, hash).Scan(&p.UserID, &p.TenantID, &p.TenantName, &p.UserName, &p.Email,
		&p.DepartmentID, &p.RoleID, &p.RoleKey, &p.RoleName, &perms, &p.Scope, &p.DeptPath, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if expires.Valid && !now.Before(expires.Time) {
		return nil, nil
	}
	if p.Credential == "session" && (!lastSeen.Valid || now.Sub(lastSeen.Time) > SessionIdle) {
		return nil, nil
	}
	if p.Perms, err = parsePerms(perms); err != nil {
		return nil, err
	}
	p.CredentialHash = hash
	if !lastSeen.Valid || now.Sub(lastSeen.Time) > touchEvery {
		touch(ctx, d, p.Credential, hash, now)
	}
	return &p, nil
}

func touch(ctx context.Context, d *db.DB, kind, hash string, now time.Time) {
	var err error
	if kind == "session" {
		_, err = d.Write.NewUpdate().Table("sessions").Set("last_seen_at = ?", now).Where("hash = ?", hash).Exec(ctx)
	} else {
		_, err = d.Write.NewUpdate().Table("api_tokens").Set("last_used_at = ?", now).Where("hash = ?", hash).Exec(ctx)
	}
	if err != nil {
		slog.WarnContext(ctx, "touch credential", "err", err)
	}
}

// parsedPerms memoises permission sets by their stored JSON text: a handful
// of roles serve every request, and the maps are never written after
// parsing. The key is the text itself, so a changed role can never be
// answered from a stale entry.
var (
	parsedPerms sync.Map
	parsedCount atomic.Int64
)

// maxParsedPerms bounds the memo; past it the memo starts afresh.
const maxParsedPerms = 1024

func parsePerms(text string) (map[string]bool, error) {
	if m, ok := parsedPerms.Load(text); ok {
		return m.(map[string]bool), nil
	}
	var list []string
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(list))
	for _, x := range list {
		m[x] = true
	}
	if parsedCount.Add(1) > maxParsedPerms {
		parsedPerms.Clear()
		parsedCount.Store(0)
	}
	parsedPerms.Store(text, m)
	return m, nil
}
