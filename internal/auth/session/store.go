package session

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Issued is a new session's secret and expiry.
type Issued struct {
	Token     string    `json:"token" doc:"Session token; also works as Authorization: Bearer."`
	ExpiresAt time.Time `json:"expires_at"`
}

// Create opens a session for a user inside tx.
func Create(ctx context.Context, tx bun.IDB, tenantID, userID string) (Issued, error) {
	secret, hash := newSecret(sessionPrefix)
	now := time.Now().UTC()
	exp := now.Add(SessionTTL)
	_, err := tx.NewInsert().Table("sessions").Model(&map[string]any{
		"hash": hash, "tenant_id": tenantID, "user_id": userID, "created_at": now, "last_seen_at": now, "expires_at": exp,
	}).Exec(ctx)
	return Issued{Token: secret, ExpiresAt: exp}, err
}

// EndAll ends every session and revokes every API token of a user, inside
// tx: called when a user is disabled or their password changes.
func EndAll(ctx context.Context, tx bun.IDB, tenantID, userID string) error {
	if _, err := tx.NewDelete().Table("sessions").Where("tenant_id = ? AND user_id = ?", tenantID, userID).Exec(ctx); err != nil {
		return err
	}
	now := time.Now().UTC()
	_, err := tx.NewUpdate().Table("api_tokens").Set("revoked_at = ?", now).Set("updated_at = ?", now).
		Set("version = version + 1").Where("tenant_id = ? AND user_id = ? AND revoked_at IS NULL", tenantID, userID).Exec(ctx)
	return err
}

// End deletes one session by its hash.
func End(ctx context.Context, d *db.DB, hash string) error {
	_, err := d.Write.NewDelete().Table("sessions").Where("hash = ?", hash).Exec(ctx)
	return err
}

// Login throttling: after MaxFailures wrong passwords for one account from
// one address within FailureWindow, further attempts are refused until the
// oldest failure leaves the window. Failures live in the database so every
// instance sees them.
const (
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
)

// Throttled reports how long the caller must wait, 0 when they may try.
func Throttled(ctx context.Context, d *db.DB, email, ip string) (time.Duration, error) {
	now := time.Now().UTC()
	var times []time.Time
	err := d.Read.NewSelect().Table("login_failures").Column("at").
		Where("email = ? AND ip = ? AND at > ?", email, ip, now.Add(-FailureWindow)).
		OrderExpr("at ASC").Scan(ctx, &times)
	if err != nil || len(times) < MaxFailures {
		return 0, err
	}
	wait := times[len(times)-MaxFailures].Add(FailureWindow).Sub(now)
	if wait < time.Second {
		wait = time.Second
	}
	return wait, nil
}

// RecordFailure notes a failed login and forgets failures older than the window.
func RecordFailure(ctx context.Context, d *db.DB, email, ip string) error {
	now := time.Now().UTC()
	return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Table("login_failures").Where("email = ? AND at <= ?", email, now.Add(-FailureWindow)).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Table("login_failures").Model(&map[string]any{
			"id": ids.New(), "email": email, "ip": ip, "at": now,
		}).Exec(ctx)
		return err
	})
}

// ClearFailures forgets an account's failures from an address after a good login.
func ClearFailures(ctx context.Context, tx bun.IDB, email, ip string) error {
	_, err := tx.NewDelete().Table("login_failures").Where("email = ? AND ip = ?", email, ip).Exec(ctx)
	return err
}

// tooMany is the domain error for a throttled login.
func tooMany() error {
	return &apperr.Error{Kind: apperr.KindTooMany, Message: "too many failed sign-ins for this account from your address; wait and try again"}
}
