package bench

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoadCountsRequestsAndErrors(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		if n.Add(1)%10 == 0 { // every 10th request fails
			http.Error(w, "boom", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()

	r, err := Load{Name: "t", URL: srv.URL, Header: http.Header{"Authorization": {"Bearer t"}}, Conns: 4, Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests < 50 {
		t.Fatalf("only %d requests in 300 ms", r.Requests)
	}
	if r.Errors == 0 || r.ErrorKinds["HTTP 503"] != r.Errors {
		t.Errorf("errors = %d %v, want only HTTP 503s", r.Errors, r.ErrorKinds)
	}
	// About 10% errors (the warm-up shifts the phase a little).
	if frac := float64(r.Errors) / float64(r.Requests); frac < 0.05 || frac > 0.15 {
		t.Errorf("error fraction %.3f, want about 0.1", frac)
	}
	wantRPS := float64(r.Requests-r.Errors) / 0.3
	if r.RPS < wantRPS*0.99 || r.RPS > wantRPS*1.01 {
		t.Errorf("RPS %.1f, want %.1f (successes / window)", r.RPS, wantRPS)
	}
	if r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 {
		t.Errorf("percentiles out of order: p50 %v p99 %v max %v", r.P50, r.P99, r.Max)
	}
	// The server saw more than was recorded: warm-up requests are not counted.
	if int(n.Load()) <= r.Requests {
		t.Errorf("server saw %d requests, recorded %d: warm-up should not be recorded", n.Load(), r.Requests)
	}
}

func TestLoadAllErrorsWithoutAuth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	defer srv.Close()
	r, err := Load{Name: "t", URL: srv.URL, Conns: 2, Duration: 100 * time.Millisecond}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Errors != r.Requests || r.RPS != 0 {
		t.Errorf("want every request an error and 0 req/s: %+v", r)
	}
}

func TestLoadUsesOneConnectionPerWorker(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond)
		w.Write([]byte("{}"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	r, err := Load{Name: "t", URL: srv.URL, Conns: 5, Warmup: 20 * time.Millisecond, Duration: 200 * time.Millisecond}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors != 0 {
		t.Fatalf("errors: %v", r.ErrorKinds)
	}
	if got := conns.Load(); got != 5 {
		t.Errorf("server saw %d connections, want 5 keep-alive connections", got)
	}
}

func TestLoadStopsAtRequestCap(t *testing.T) {
	srv := httptest.NewServer(BareHandler())
	defer srv.Close()
	start := time.Now()
	r, err := Load{Name: "t", URL: srv.URL, Conns: 2, Duration: 10 * time.Second, MaxRequests: 200}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cap did not end the run early: %v", time.Since(start))
	}
	if !r.Truncated || r.Requests > 200 || r.Requests < 100 {
		t.Errorf("truncated=%v requests=%d, want truncated with <= 200", r.Truncated, r.Requests)
	}
}

func TestLoadRefusesNonLoopback(t *testing.T) {
	_, err := Load{Name: "t", URL: "http://192.0.2.1/", Conns: 1, Duration: time.Millisecond}.Run(context.Background())
	if err == nil {
		t.Fatal("want refusal for a non-loopback target")
	}
}

func TestLoadCanceled(t *testing.T) {
	srv := httptest.NewServer(BareHandler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := (Load{Name: "t", URL: srv.URL, Conns: 2, Duration: 5 * time.Second}).Run(ctx); err == nil {
		t.Fatal("want an error from a canceled run, not a result")
	}
}
