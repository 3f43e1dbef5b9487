package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a stand-in for `rudder`: with BENCH_FAKE_RUDDER=1
// it implements just enough of `rudder demo` and `rudder serve` for the
// harness to run end to end.
func TestMain(m *testing.M) {
	if os.Getenv("BENCH_FAKE_RUDDER") == "1" {
		os.Exit(fakeRudder(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeRudder(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "fake rudder: no subcommand")
		return 2
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "")
	addr := fs.String("addr", "127.0.0.1:8080", "")
	dbURL := fs.String("database-url", "", "")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	marker := filepath.Join(*dataDir, "demo-loaded")
	switch args[0] {
	case "demo":
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := os.WriteFile(marker, []byte(*dbURL), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "serve":
		b, err := os.ReadFile(marker)
		if err != nil || string(b) != *dbURL {
			fmt.Fprintln(os.Stderr, "fake rudder: serve before demo, or another database:", err)
			return 1
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
		mux.HandleFunc("POST /api/v1/sessions", func(w http.ResponseWriter, r *http.Request) {
			var in struct{ Email, Password string }
			if json.NewDecoder(r.Body).Decode(&in) != nil || in.Email != DemoEmail || in.Password != DemoPassword {
				http.Error(w, `{"title":"bad credentials"}`, http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"token":"fake-token","user":{"id":"u1"}}`))
		})
		authed := func(h http.HandlerFunc) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer fake-token" {
					http.Error(w, "unauthorized", http.StatusUnauthorized)
					return
				}
				h(w, r)
			}
		}
		mux.HandleFunc("GET /api/v1/me", authed(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"id":"u1","email":"admin@demo.local"}`))
		}))
		mux.HandleFunc("GET /api/v1/users", authed(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("limit") != "50" {
				http.Error(w, "limit", http.StatusBadRequest)
				return
			}
			w.Write([]byte(`{"items":[],"next_cursor":""}`))
		}))
		srv := &http.Server{Addr: *addr, Handler: mux}
		go func() {
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, syscall.SIGTERM)
			<-sig
			srv.Close()
		}()
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	return 2
}

func TestRunAgainstFakeRudder(t *testing.T) {
	t.Setenv("BENCH_FAKE_RUDDER", "1")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var logs []string
	cfg := Config{
		RudderBin:     self,
		PGURL:         os.Getenv("RUDDER_TEST_PG"), // exercised too when make test provides a cluster
		Conns:         []int{2, 4},
		Warmup:        100 * time.Millisecond,
		Duration:      500 * time.Millisecond, // long enough to finish requests on a loaded CI machine
		StartAttempts: 2,
		IdleWait:      10 * time.Millisecond,
		ReadyTimeout:  20 * time.Second,
		WorkDir:       t.TempDir(),
		Commands:      []string{"make bench"},
		Logf:          func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v\nlog:\n%s", err, strings.Join(logs, "\n"))
	}
	if len(rep.Bare) != 4 || rep.Bare[0].RPS <= 0 || rep.Bare[0].Errors != 0 || rep.Bare[0].Label != "before" || rep.Bare[3].Label != "after" {
		t.Fatalf("bare results: %+v", rep.Bare)
	}
	if len(rep.Databases) != 2 {
		t.Fatalf("databases: %+v", rep.Databases)
	}
	measured := rep.Databases[:1]
	if cfg.PGURL != "" {
		measured = rep.Databases
		if !strings.HasPrefix(rep.Databases[1].Version, "PostgreSQL ") {
			t.Errorf("PostgreSQL version = %q", rep.Databases[1].Version)
		}
	} else if rep.Databases[1].Skipped == "" {
		t.Errorf("PostgreSQL should be marked skipped without RUDDER_TEST_PG")
	}
	for _, d := range measured {
		if d.Failed != "" {
			t.Errorf("%s failed: %s", d.Name, d.Failed)
		}
		if len(d.Results) != len(Scenarios)*len(cfg.Conns) {
			t.Errorf("%s: %d results, want %d", d.Name, len(d.Results), len(Scenarios)*len(cfg.Conns))
		}
		for _, r := range d.Results {
			if r.BodyBytes == 0 {
				t.Errorf("%s %s: answer size not recorded", d.Name, r.Name)
			}
			if r.Errors != 0 || r.RPS <= 0 {
				t.Errorf("%s %s@%d: %d errors (%v), %.0f req/s", d.Name, r.Name, r.Conns, r.Errors, r.ErrorKinds, r.RPS)
			}
		}
		if len(d.StartToReady) != 2 || d.BestStart() <= 0 || d.BestStart() > 20*time.Second {
			t.Errorf("%s start to ready: %v", d.Name, d.StartToReady)
		}
		if d.IdleRSS < 1<<20 {
			t.Errorf("%s idle RSS %d, want a plausible value", d.Name, d.IdleRSS)
		}
	}
	for _, n := range rep.Notes {
		t.Errorf("unexpected note: %s", n)
	}
	md := rep.Markdown()
	if !strings.Contains(md, "## Goals") || !strings.Contains(md, "`GET /api/v1/users?limit=50`") {
		t.Errorf("report incomplete:\n%s", md)
	}
}

func TestRunReportsServerFailure(t *testing.T) {
	// A binary that fails `demo`: the harness must report it, not hang.
	cfg := Config{RudderBin: "/bin/false", Conns: []int{1}, Duration: 20 * time.Millisecond, WorkDir: t.TempDir()}
	rep, err := Run(context.Background(), cfg)
	if err == nil {
		t.Fatal("want an error when rudder demo fails")
	}
	if rep.Databases[0].Failed == "" || !strings.Contains(rep.Markdown(), "The run failed partway") {
		t.Errorf("failure not in report: %+v", rep.Databases[0])
	}
}
