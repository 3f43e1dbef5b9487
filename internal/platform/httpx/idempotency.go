package httpx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// IdempotencyTTL is how long a stored answer is replayed.
const IdempotencyTTL = 48 * time.Hour

// abandonedAfter: a claim still in progress after this long belongs to an
// instance that died mid-request, and may be taken over.
const abandonedAfter = 2 * time.Minute

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// MaxUploadBody is the largest multipart upload the Idempotency middleware
// spools for a keyed request (the upload routes set their own, smaller or
// equal, limits).
const MaxUploadBody = 51 << 20

func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// spoolMultipart copies a multipart body to a temporary file while hashing
// the method, the URI and each part's form name, file name and content. It
// returns the file, rewound, and the hash; or a status and a message.
func spoolMultipart(r *http.Request) (*os.File, string, int, string) {
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	f, err := os.CreateTemp("", "rudder-upload-*")
	if err != nil {
		return nil, "", http.StatusServiceUnavailable, "could not store the upload; retry"
	}
	fail := func(status int, msg string) (*os.File, string, int, string) {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, "", status, msg
	}
	lr := &io.LimitedReader{R: r.Body, N: MaxUploadBody + 1}
	h := sha256.New()
	_, _ = io.WriteString(h, r.Method+" "+r.URL.RequestURI()+"\n")
	mr := multipart.NewReader(io.TeeReader(lr, f), params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return fail(http.StatusRequestEntityTooLarge, "the upload is larger than 51 MiB")
			}
			return fail(http.StatusBadRequest, "the multipart body is malformed: "+err.Error())
		}
		_, _ = io.WriteString(h, "\x00part\x00"+part.FormName()+"\x00"+part.FileName()+"\x00")
		if _, err := io.Copy(h, part); err != nil {
			if lr.N <= 0 {
				return fail(http.StatusRequestEntityTooLarge, "the upload is larger than 51 MiB")
			}
			return fail(http.StatusBadRequest, "the multipart body is malformed: "+err.Error())
		}
	}
	if _, err := io.Copy(io.Discard, io.TeeReader(lr, f)); err != nil || lr.N <= 0 {
		return fail(http.StatusRequestEntityTooLarge, "the upload is larger than 51 MiB")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(http.StatusServiceUnavailable, "could not store the upload; retry")
	}
	return f, hex.EncodeToString(h.Sum(nil)), 0, ""
}

// Idempotency replays the first answer to a POST retried with the same
// Idempotency-Key and body, and refuses the same key with another body (422).
// The key is claimed before the handler runs, so two concurrent retries cannot
// both write: the second is told 409 until the first has finished. Answers
// are kept in the database, so any instance can replay them.
//
// Routes whose answer holds a secret (a session or API token) are listed in
// secretPaths: storing their answer would keep the secret in plain text, so a
// key there is refused with 400 rather than silently ignored.
func Idempotency(d *db.DB, next http.Handler, secretPaths ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if slices.Contains(secretPaths, r.URL.Path) {
			WriteProblem(w, http.StatusBadRequest, "Idempotency-Key is not accepted on "+r.URL.Path+
				": its answer holds a secret, which Rudder never stores")
			return
		}
		if len(key) > 200 || badRune(key, false) != "" {
			WriteProblem(w, http.StatusBadRequest, "Idempotency-Key must be at most 200 printable characters")
			return
		}
		var hash string
		if isMultipart(r) {
			// An upload: spooled to a temporary file, and the key bound to
			// the parts' names and contents (not the random boundary, so a
			// client's retry of the same file matches).
			spool, sum, status, msg := spoolMultipart(r)
			if status != 0 {
				WriteProblem(w, status, msg)
				return
			}
			defer func() { _ = spool.Close(); _ = os.Remove(spool.Name()) }()
			r.Body = spool
			hash = sum
		} else {
			body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
			if err != nil {
				WriteProblem(w, http.StatusBadRequest, "could not read the request body")
				return
			}
			if len(body) > MaxBody {
				WriteProblem(w, http.StatusRequestEntityTooLarge, "request body is larger than 1 MiB")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
			hash = hex.EncodeToString(sum[:])
		}
		scope := idemScope(r)
		ctx := r.Context()

		prev, claimed, err := claimKey(ctx, d, scope, key, hash)
		if err != nil {
			slog.ErrorContext(ctx, "idempotency claim", "err", err)
			WriteProblem(w, http.StatusServiceUnavailable, "could not record the Idempotency-Key; retry")
			return
		}
		if !claimed {
			replay(w, prev, hash)
			return
		}
		rec := &recorder{ResponseWriter: w, buf: &bytes.Buffer{}}
		completed := false
		defer func() {
			if !completed {
				// The handler panicked or the answer is a server error: free the
				// key so the client's retry runs again instead of replaying a failure.
				releaseKey(context.WithoutCancel(ctx), d, scope, key)
			}
		}()
		next.ServeHTTP(rec, r)
		if rec.status >= 500 || rec.status == 0 || rec.status == 499 ||
			rec.status == http.StatusConflict || rec.status == http.StatusTooManyRequests {
			return // worth retrying: free the key rather than replay the refusal
		}
		completed = true
		storeAnswer(context.WithoutCancel(ctx), d, scope, key, rec)
	})
}

type idemRow struct {
	Scope       string    `bun:"scope"`
	Key         string    `bun:"key"`
	RequestHash string    `bun:"request_hash"`
	Status      int       `bun:"status"`
	Headers     string    `bun:"headers"`
	Body        string    `bun:"body"`
	CreatedAt   time.Time `bun:"created_at"`
}

func idemScope(r *http.Request) string {
	if p := auth.From(r.Context()); p != nil {
		return "u:" + p.TenantID + ":" + p.UserID
	}
	return "anon:" + ClientIP(r)
}

// claimKey inserts a placeholder row (status 0) for the key. It returns the
// existing row when the key was already used.
func claimKey(ctx context.Context, d *db.DB, scope, key, hash string) (*idemRow, bool, error) {
	var prev *idemRow
	claimed := false
	err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []idemRow
		if err := tx.NewSelect().Table("idempotency_keys").Column("*").
			Where("scope = ? AND key = ?", scope, key).Scan(ctx, &rows); err != nil {
			return err
		}
		if len(rows) == 1 && time.Since(rows[0].CreatedAt) < IdempotencyTTL &&
			!(rows[0].Status == 0 && time.Since(rows[0].CreatedAt) > abandonedAfter) {
			prev = &rows[0]
			return nil
		}
		if len(rows) == 1 {
			if _, err := tx.NewDelete().Table("idempotency_keys").Where("scope = ? AND key = ?", scope, key).Exec(ctx); err != nil {
				return err
			}
		}
		row := idemRow{Scope: scope, Key: key, RequestHash: hash, Headers: "{}", Body: "", CreatedAt: time.Now().UTC()}
		// ON CONFLICT DO NOTHING rather than catching the unique violation: on
		// PostgreSQL a failed statement aborts the whole transaction.
		res, err := tx.NewInsert().Model(&row).ModelTableExpr("idempotency_keys").On("CONFLICT (scope, key) DO NOTHING").Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			prev = &idemRow{RequestHash: hash} // claimed concurrently: in progress elsewhere
			return nil
		}
		claimed = true
		return nil
	})
	return prev, claimed, err
}

func replay(w http.ResponseWriter, prev *idemRow, hash string) {
	switch {
	case prev.RequestHash != hash:
		WriteProblem(w, http.StatusUnprocessableEntity, "this Idempotency-Key was already used with another request; use a new key for a new request")
	case prev.Status == 0:
		WriteProblem(w, http.StatusConflict, "a request with this Idempotency-Key is still being processed; retry shortly")
	default:
		var h map[string]string
		_ = json.Unmarshal([]byte(prev.Headers), &h)
		for k, v := range h {
			w.Header().Set(k, v)
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		_, _ = io.WriteString(w, prev.Body)
	}
}

func releaseKey(ctx context.Context, d *db.DB, scope, key string) {
	_, err := d.Write.NewDelete().Table("idempotency_keys").Where("scope = ? AND key = ? AND status = 0", scope, key).Exec(ctx)
	if err != nil {
		slog.ErrorContext(ctx, "idempotency release", "err", err)
	}
}

var replayedHeaders = []string{"Content-Type", "Location", "ETag"}

func storeAnswer(ctx context.Context, d *db.DB, scope, key string, rec *recorder) {
	h := map[string]string{}
	for _, k := range replayedHeaders {
		if v := rec.Header().Get(k); v != "" {
			h[k] = v
		}
	}
	hb, _ := json.Marshal(h)
	_, err := d.Write.NewUpdate().Table("idempotency_keys").
		Set("status = ?", rec.status).Set("headers = ?", string(hb)).Set("body = ?", rec.buf.String()).
		Where("scope = ? AND key = ?", scope, key).Exec(ctx)
	if err != nil {
		slog.ErrorContext(ctx, "idempotency store", "err", err)
	}
}

// PurgeIdempotency deletes answers older than the TTL.
func PurgeIdempotency(ctx context.Context, d *db.DB) error {
	_, err := d.Write.NewDelete().Table("idempotency_keys").
		Where("created_at < ?", time.Now().UTC().Add(-IdempotencyTTL)).Exec(ctx)
	return err
}

type recorder struct {
	http.ResponseWriter
	status int
	buf    *bytes.Buffer
}

func (r *recorder) WriteHeader(s int) {
	if r.status == 0 {
		r.status = s
	}
	r.ResponseWriter.WriteHeader(s)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// ClientIP is the caller's address. Behind a proxy, set RUDDER_TRUST_PROXY so
// X-Forwarded-For's first address is used; otherwise it is ignored, because
// a client could otherwise pick its own address to dodge login throttling.
func ClientIP(r *http.Request) string {
	if TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			ip, _, _ := strings.Cut(f, ",")
			return strings.TrimSpace(ip)
		}
	}
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// TrustProxy makes ClientIP believe X-Forwarded-For.
var TrustProxy bool
