package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Demo credentials created by `rudder demo`.
const (
	DemoEmail    = "admin@demo.local"
	DemoPassword = "rudder-demo"
)

// Config drives one benchmark run.
type Config struct {
	RudderBin     string        // path to the rudder binary
	PGURL         string        // admin URL of a PostgreSQL server; empty skips PostgreSQL
	Conns         []int         // connection counts, e.g. 8 and 64
	Warmup        time.Duration // per scenario
	Duration      time.Duration // measured, per scenario
	StartAttempts int           // start-to-ready attempts (best is reported)
	IdleWait      time.Duration // idle time before reading RSS
	ReadyTimeout  time.Duration // how long a start may take before it is a failure
	WorkDir       string        // parent for temp data dirs and logs; empty: os.TempDir
	KeepWorkDir   bool
	Commands      []string // how to rerun, for the report
	Logf          func(format string, args ...any)
}

func (c *Config) defaults() {
	if len(c.Conns) == 0 {
		c.Conns = []int{8, 64}
	}
	if c.Duration <= 0 {
		c.Duration = 5 * time.Second
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	}
	if c.StartAttempts <= 0 {
		c.StartAttempts = 3
	}
	if c.ReadyTimeout <= 0 {
		c.ReadyTimeout = 60 * time.Second
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
}

// Scenarios are the Rudder endpoints under load, in order.
var Scenarios = []struct{ Name, Path string }{
	{PointReadScenario, "/api/v1/me"},
	{"GET /api/v1/users?limit=50", "/api/v1/users?limit=50"},
}

// Run measures the bare handler, then Rudder on SQLite and (when PGURL is
// set) PostgreSQL. It always returns a report; err is non-nil when any part
// failed (the failure is also written into the report).
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg.defaults()
	rep := Report{
		When:      time.Now(),
		Machine:   DescribeMachine(),
		LoadStart: LoadAverage(),
		BusyStart: CPUBusy(time.Second),
		Commands:  cfg.Commands,
		Settings: fmt.Sprintf("closed loop, each connection one keep-alive HTTP/1.1 connection sending requests back to back; "+
			"%s warm-up then %s measured per scenario; every latency recorded; any non-2xx answer counts as an error and is left out of req/s and the percentiles; "+
			"percentiles by nearest rank.", fmtSeconds(cfg.Warmup), fmtSeconds(cfg.Duration)),
	}
	work, err := os.MkdirTemp(cfg.WorkDir, "rudder-bench-")
	if err != nil {
		return rep, err
	}
	if !cfg.KeepWorkDir {
		defer os.RemoveAll(work)
	}

	// The bare baseline runs before and after the Rudder scenarios: on a small
	// shared machine one run can be noisy, and "% of bare" uses the higher.
	var errs []error
	bareRun := func(label string) {
		bare, err := runBare(ctx, cfg, label)
		rep.Bare = append(rep.Bare, bare...)
		if err != nil {
			errs = append(errs, fmt.Errorf("bare handler: %w", err))
		}
	}
	bareRun("before")

	sqliteRep, err := runDatabase(ctx, cfg, work, "SQLite", nil)
	rep.Databases = append(rep.Databases, sqliteRep)
	if err != nil {
		errs = append(errs, fmt.Errorf("SQLite: %w", err))
	}

	if cfg.PGURL == "" {
		rep.Databases = append(rep.Databases, DBReport{Name: "PostgreSQL", Skipped: "RUDDER_TEST_PG was not set (`make bench` starts a throw-away cluster and sets it)."})
	} else {
		var pgRep DBReport
		db, err := CreatePGDatabase(ctx, cfg.PGURL)
		if err != nil {
			pgRep = DBReport{Name: "PostgreSQL", Failed: err.Error()}
		} else {
			pgRep, err = runDatabase(ctx, cfg, work, "PostgreSQL", db)
			pgRep.Version = db.Version
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			if derr := db.Drop(dctx); derr != nil {
				rep.Notes = append(rep.Notes, fmt.Sprintf("could not drop database %s: %v", db.Name, derr))
			}
			cancel()
		}
		rep.Databases = append(rep.Databases, pgRep)
		if err != nil {
			errs = append(errs, fmt.Errorf("PostgreSQL: %w", err))
		}
	}
	if ctx.Err() == nil {
		bareRun("after")
	}
	rep.LoadEnd = LoadAverage()
	return rep, errors.Join(errs...)
}

// BareHandler is the baseline: a net/http handler answering a small JSON object.
func BareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"id": "01J9Z3K8Q4M2X7D5R6T1V0W8YB", "name": "Bare Handler"})
	})
}

func runBare(ctx context.Context, cfg Config, label string) ([]Result, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: BareHandler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	u := "http://" + ln.Addr().String() + "/"
	var out []Result
	for _, c := range cfg.Conns {
		r, err := Load{Name: BareScenario, URL: u, Conns: c, Warmup: cfg.Warmup, Duration: cfg.Duration}.Run(ctx)
		if err != nil {
			return out, err
		}
		r.Label = label
		cfg.Logf("bare handler (%s), %d conns: %.0f req/s, p50 %s, p99 %s, errors %s", label, c, r.RPS, FormatDuration(r.P50), FormatDuration(r.P99), r.ErrorSummary())
		out = append(out, r)
	}
	return out, nil
}

// runDatabase measures Rudder on SQLite (pg == nil) or on the given PostgreSQL database.
func runDatabase(ctx context.Context, cfg Config, work, name string, pg *PGDatabase) (rep DBReport, err error) {
	rep.Name = name
	defer func() {
		if err != nil {
			rep.Failed = err.Error()
		}
	}()
	dir, err := os.MkdirTemp(work, name+"-")
	if err != nil {
		return rep, err
	}
	dataDir := filepath.Join(dir, "data")
	logPath := filepath.Join(dir, "rudder.log")
	common := []string{"--data-dir", dataDir}
	if pg != nil {
		common = append(common, "--database-url", pg.URL)
	}

	cfg.Logf("%s: loading demo data", name)
	dctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	err = RunCommand(dctx, logPath, cfg.RudderBin, append([]string{"demo"}, common...)...)
	cancel()
	if err != nil {
		return rep, err
	}

	port, err := FreePort()
	if err != nil {
		return rep, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	base := "http://" + addr
	serveArgs := append(append([]string{"serve"}, common...), "--addr", addr)

	srv, err := StartServer(cfg.RudderBin, serveArgs, base, logPath)
	if err != nil {
		return rep, err
	}
	defer func() { _ = srv.Stop(10 * time.Second) }()
	if rep.FirstStartTime, err = srv.WaitReady(cfg.ReadyTimeout); err != nil {
		return rep, err
	}
	cfg.Logf("%s: ready after %s (first start); idling %s", name, fmtSeconds(rep.FirstStartTime), cfg.IdleWait)
	sleepCtx(ctx, cfg.IdleWait)
	if rep.IdleRSS, err = RSS(srv.PID()); err != nil {
		return rep, fmt.Errorf("read RSS: %w", err)
	}
	cfg.Logf("%s: idle RSS %s", name, FormatBytes(rep.IdleRSS))

	token, err := Login(ctx, base, DemoEmail, DemoPassword)
	if err != nil {
		return rep, err
	}
	hdr := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}
	for _, sc := range Scenarios {
		status, body, err := get(ctx, base+sc.Path, hdr)
		if err != nil || status/100 != 2 {
			cfg.Logf("%s: warning: %s answered %d %v: %.200s", name, sc.Path, status, err, body)
		}
		for _, c := range cfg.Conns {
			r, err := Load{Name: sc.Name, URL: base + sc.Path, Header: hdr, Conns: c, Warmup: cfg.Warmup, Duration: cfg.Duration}.Run(ctx)
			if err != nil {
				return rep, err
			}
			r.BodyBytes = len(body)
			cfg.Logf("%s: %s, %d conns: %.0f req/s, p50 %s, p99 %s, errors %s", name, sc.Name, c, r.RPS, FormatDuration(r.P50), FormatDuration(r.P99), r.ErrorSummary())
			rep.Results = append(rep.Results, r)
		}
	}
	if rss, err := RSS(srv.PID()); err == nil {
		rep.RSSAfterLoad = rss
	}

	// Start to ready on the now-existing database.
	if err := srv.Stop(15 * time.Second); err != nil {
		return rep, err
	}
	for i := 0; i < cfg.StartAttempts; i++ {
		s, err := StartServer(cfg.RudderBin, serveArgs, base, logPath)
		if err != nil {
			return rep, err
		}
		d, err := s.WaitReady(cfg.ReadyTimeout)
		stopErr := s.Stop(15 * time.Second)
		if err != nil {
			return rep, err
		}
		if stopErr != nil {
			return rep, stopErr
		}
		cfg.Logf("%s: start to ready #%d: %s", name, i+1, fmtSeconds(d))
		rep.StartToReady = append(rep.StartToReady, d)
	}
	return rep, nil
}

// Login posts the credentials to /api/v1/sessions and returns the token.
func Login(ctx context.Context, base, email, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/sessions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("login: %s: %.300s", resp.Status, b)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Token == "" {
		return "", fmt.Errorf("login: no token in answer %.300s", b)
	}
	return out.Token, nil
}

func get(ctx context.Context, u string, h http.Header) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header = h.Clone()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return resp.StatusCode, string(b), nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
