package httpx

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// openTestDB opens a fresh migrated database of the dialect (see dbtest).
func openTestDB(t *testing.T, dialect db.Dialect) *db.DB { return dbtest.Open(t, dialect) }

func eachDialect(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) { fn(t, openTestDB(t, dialect)) })
	}
}

// counting is a handler that answers 201 with a body that changes on every
// call, so a replay is distinguishable from a second run.
type counting struct {
	calls  atomic.Int32
	status atomic.Int32 // answer status; 0 means 201
	gate   chan struct{}
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := c.calls.Add(1)
	if c.gate != nil {
		<-c.gate
	}
	body, _ := io.ReadAll(r.Body)
	status := int(c.status.Load())
	if status == 0 {
		status = http.StatusCreated
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", fmt.Sprintf("/api/v1/things/%d", n))
	w.Header().Set("ETag", `"1"`)
	w.Header().Set("X-Not-Replayed", "x")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"call": n, "len": len(body), "at": time.Now().UnixNano()})
}

type idemReq struct {
	method, path, key, body, ip string
	who                         *auth.Principal
}

func do(h http.Handler, q idemReq) *httptest.ResponseRecorder {
	if q.method == "" {
		q.method = http.MethodPost
	}
	if q.path == "" {
		q.path = "/api/v1/things"
	}
	r := httptest.NewRequest(q.method, q.path, strings.NewReader(q.body))
	if q.key != "" {
		r.Header.Set("Idempotency-Key", q.key)
	}
	r.RemoteAddr = "192.0.2.1:5555"
	if q.ip != "" {
		r.RemoteAddr = q.ip + ":5555"
	}
	if q.who != nil {
		r = r.WithContext(auth.With(r.Context(), q.who))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func problemStatus(t *testing.T, w *httptest.ResponseRecorder, want int) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("status %d, want %d (body %s)", w.Code, want, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want problem+json", ct)
	}
	if w.Header().Get("Idempotent-Replayed") != "" {
		t.Fatal("a refusal is marked as replayed")
	}
}

func TestIdempotencyReplay(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		c := &counting{}
		h := Idempotency(d, c)
		alice := &auth.Principal{TenantID: "t1", UserID: "alice"}
		q := idemReq{key: "k-1", body: `{"amount":100}`, who: alice}

		first := do(h, q)
		if first.Code != http.StatusCreated || first.Header().Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d %v", first.Code, first.Header())
		}
		second := do(h, q)
		if c.calls.Load() != 1 {
			t.Fatalf("handler ran %d times for one key and body", c.calls.Load())
		}
		if second.Code != http.StatusCreated || second.Body.String() != first.Body.String() {
			t.Fatalf("replay: %d %q, want 201 %q", second.Code, second.Body, first.Body)
		}
		if second.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay lacks Idempotent-Replayed: %v", second.Header())
		}
		for _, k := range []string{"Content-Type", "Location", "ETag"} {
			if second.Header().Get(k) != first.Header().Get(k) {
				t.Errorf("replayed %s = %q, first was %q", k, second.Header().Get(k), first.Header().Get(k))
			}
		}

		// Same key, another body or another URL: refused, handler not run.
		problemStatus(t, do(h, idemReq{key: "k-1", body: `{"amount":101}`, who: alice}), http.StatusUnprocessableEntity)
		problemStatus(t, do(h, idemReq{key: "k-1", body: `{"amount":100}`, who: alice, path: "/api/v1/other"}), http.StatusUnprocessableEntity)
		if c.calls.Load() != 1 {
			t.Fatalf("handler ran for a refused request (%d calls)", c.calls.Load())
		}

		// The same key of another user, tenant or anonymous caller is theirs alone.
		for _, other := range []idemReq{
			{key: "k-1", body: `{"amount":100}`, who: &auth.Principal{TenantID: "t1", UserID: "bob"}},
			{key: "k-1", body: `{"amount":100}`, who: &auth.Principal{TenantID: "t2", UserID: "alice"}},
			{key: "k-1", body: `{"amount":100}`},
		} {
			before := c.calls.Load()
			if w := do(h, other); w.Code != http.StatusCreated || w.Header().Get("Idempotent-Replayed") != "" {
				t.Fatalf("other caller got %d replayed=%q", w.Code, w.Header().Get("Idempotent-Replayed"))
			}
			if c.calls.Load() != before+1 {
				t.Fatal("another caller's request was not run")
			}
		}
		// Anonymous callers are told apart by address.
		before := c.calls.Load()
		if w := do(h, idemReq{key: "k-1", body: `{"amount":100}`}); w.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("same anonymous address not replayed: %d", w.Code)
		}
		if w := do(h, idemReq{key: "k-1", body: `{"amount":100}`, ip: "198.51.100.7"}); w.Header().Get("Idempotent-Replayed") != "" {
			t.Fatal("another anonymous address got a replay")
		}
		if c.calls.Load() != before+1 {
			t.Fatalf("calls %d, want %d", c.calls.Load(), before+1)
		}
	})
}

func TestIdempotencyPassThrough(t *testing.T) {
	d := openTestDB(t, db.SQLite)
	c := &counting{}
	h := Idempotency(d, c)
	for range 3 {
		if w := do(h, idemReq{body: `{"a":1}`}); w.Code != http.StatusCreated || w.Header().Get("Idempotent-Replayed") != "" {
			t.Fatalf("no key: %d", w.Code)
		}
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		do(h, idemReq{method: m, key: "k", body: `{"a":1}`})
		do(h, idemReq{method: m, key: "k", body: `{"a":1}`})
	}
	if n := c.calls.Load(); n != 3+8 {
		t.Fatalf("handler ran %d times, want 11 (keys only apply to POST)", n)
	}
}

func TestIdempotencyBadInput(t *testing.T) {
	d := openTestDB(t, db.SQLite)
	c := &counting{}
	h := Idempotency(d, c)

	problemStatus(t, do(h, idemReq{key: "big", body: strings.Repeat("x", MaxBody+1)}), http.StatusRequestEntityTooLarge)
	problemStatus(t, do(h, idemReq{key: "big", body: strings.Repeat("x", 3*MaxBody)}), http.StatusRequestEntityTooLarge)
	problemStatus(t, do(h, idemReq{key: strings.Repeat("k", 201), body: "{}"}), http.StatusBadRequest)
	problemStatus(t, do(h, idemReq{key: "bad\x1bkey", body: "{}"}), http.StatusBadRequest)
	problemStatus(t, do(h, idemReq{key: "bad\u202ekey", body: "{}"}), http.StatusBadRequest)
	if c.calls.Load() != 0 {
		t.Fatalf("handler ran for refused requests (%d)", c.calls.Load())
	}
	// Exactly 1 MiB, and a 200-character key, are fine.
	if w := do(h, idemReq{key: "big", body: strings.Repeat("x", MaxBody)}); w.Code != http.StatusCreated {
		t.Fatalf("1 MiB body: %d %s", w.Code, w.Body)
	}
	var got struct{ Len int }
	_ = json.Unmarshal(do(h, idemReq{key: strings.Repeat("k", 200), body: "hello"}).Body.Bytes(), &got)
	if got.Len != 5 {
		t.Fatalf("handler read a body of %d bytes, want 5 (the body must be passed on)", got.Len)
	}
}

func TestIdempotencyServerErrorFreesKey(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		c := &counting{}
		h := Idempotency(d, c)
		q := idemReq{key: "retry-me", body: `{"x":1}`}

		c.status.Store(http.StatusInternalServerError)
		if w := do(h, q); w.Code != 500 {
			t.Fatalf("first: %d", w.Code)
		}
		c.status.Store(http.StatusServiceUnavailable)
		if w := do(h, q); w.Code != 503 || w.Header().Get("Idempotent-Replayed") != "" {
			t.Fatalf("retry after 500 was not run again: %d replayed=%q", w.Code, w.Header().Get("Idempotent-Replayed"))
		}
		c.status.Store(0)
		ok := do(h, q)
		if ok.Code != http.StatusCreated || c.calls.Load() != 3 {
			t.Fatalf("retry after 503: %d, %d calls", ok.Code, c.calls.Load())
		}
		if w := do(h, q); w.Header().Get("Idempotent-Replayed") != "true" || w.Body.String() != ok.Body.String() || c.calls.Load() != 3 {
			t.Fatalf("success not replayed: %d, %d calls", w.Code, c.calls.Load())
		}

		// A client error is an answer: it is replayed, not run again.
		c.status.Store(http.StatusUnprocessableEntity)
		q4 := idemReq{key: "client-error", body: `{}`}
		first := do(h, q4)
		c.status.Store(0)
		again := do(h, q4)
		if first.Code != 422 || again.Code != 422 || again.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("4xx answer: first %d, again %d replayed=%q", first.Code, again.Code, again.Header().Get("Idempotent-Replayed"))
		}

		// A panicking handler frees the key too.
		panicky := Idempotency(d, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic swallowed")
				}
			}()
			do(panicky, idemReq{key: "panics", body: "{}"})
		}()
		before := c.calls.Load()
		if w := do(h, idemReq{key: "panics", body: "{}"}); w.Code != http.StatusCreated || c.calls.Load() != before+1 {
			t.Fatalf("retry after a panic: %d (calls %d→%d)", w.Code, before, c.calls.Load())
		}
	})
}

func TestIdempotencyInProgress(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		c := &counting{gate: make(chan struct{})}
		h := Idempotency(d, c)
		q := idemReq{key: "slow", body: `{"x":1}`}
		done := make(chan *httptest.ResponseRecorder)
		go func() { done <- do(h, q) }()
		deadline := time.Now().Add(5 * time.Second)
		for c.calls.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if c.calls.Load() != 1 {
			t.Fatal("first request never reached the handler")
		}
		problemStatus(t, do(h, q), http.StatusConflict)
		close(c.gate)
		first := <-done
		if first.Code != http.StatusCreated {
			t.Fatalf("first: %d", first.Code)
		}
		if w := do(h, q); w.Header().Get("Idempotent-Replayed") != "true" || c.calls.Load() != 1 {
			t.Fatalf("after completion: %d, %d calls", w.Code, c.calls.Load())
		}
	})
}

func TestIdempotencyExpiry(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &counting{}
		h := Idempotency(d, c)
		q := idemReq{key: "old", body: `{}`}
		do(h, q)
		do(h, idemReq{key: "fresh", body: `{}`})
		old := time.Now().UTC().Add(-IdempotencyTTL - time.Hour)
		if _, err := d.Write.NewUpdate().Table("idempotency_keys").Set("created_at = ?", old).Where("key = 'old'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if w := do(h, q); w.Header().Get("Idempotent-Replayed") != "" || c.calls.Load() != 3 {
			t.Fatalf("expired key was replayed (%d calls)", c.calls.Load())
		}
		// Age it again and purge: only expired keys go.
		if _, err := d.Write.NewUpdate().Table("idempotency_keys").Set("created_at = ?", old).Where("key = 'old'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := PurgeIdempotency(ctx, d); err != nil {
			t.Fatal(err)
		}
		var keys []string
		if err := d.Read.NewSelect().Table("idempotency_keys").Column("key").Scan(ctx, &keys); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 1 || keys[0] != "fresh" {
			t.Fatalf("after purge: %q, want [fresh]", keys)
		}
	})
}

// Many concurrent first attempts with one key: exactly one runs; the others
// are told to retry later (409), never a server error.
func TestIdempotencyConcurrentClaims(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		for round := range 5 {
			c := &counting{gate: make(chan struct{})}
			h := Idempotency(d, c)
			q := idemReq{key: fmt.Sprintf("race-%d", round), body: `{"x":1}`}
			const n = 8
			start := make(chan struct{})
			out := make(chan int, n)
			for range n {
				go func() {
					<-start
					out <- do(h, q).Code
				}()
			}
			close(start)
			codes := map[int]int{}
			for range n - 1 {
				codes[<-out]++
			}
			close(c.gate)
			codes[<-out]++
			if c.calls.Load() != 1 || codes[http.StatusCreated] != 1 || codes[http.StatusConflict] != n-1 {
				t.Fatalf("round %d: %d handler calls, answers %v; want 1 call, one 201 and %dx409", round, c.calls.Load(), codes, n-1)
			}
		}
	})
}
