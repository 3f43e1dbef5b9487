package httpx

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func histogramCount(t *testing.T, reg *prometheus.Registry, name string) uint64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				n += m.GetHistogram().GetSampleCount()
			}
		}
	}
	return n
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(s.b.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

type observed struct {
	srv     *httptest.Server
	metrics *Metrics
	reg     *prometheus.Registry
	logs    *syncBuffer
	seenID  chan string
}

func newObserved(t *testing.T) *observed {
	t.Helper()
	o := &observed{reg: prometheus.NewRegistry(), logs: &syncBuffer{}, seenID: make(chan string, 10)}
	o.metrics = NewMetrics(o.reg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok/{id}", func(w http.ResponseWriter, r *http.Request) {
		o.seenID <- RequestID(r.Context())
		_, _ = io.WriteString(w, "fine")
	})
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	mux.HandleFunc("GET /panic-after-write", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "partial")
		panic("late kaboom")
	})
	mux.HandleFunc("GET /abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	log := slog.New(slog.NewJSONHandler(o.logs, nil))
	o.srv = httptest.NewServer(Observe(o.metrics, log, RecordRoute(mux)))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *observed) get(t *testing.T, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, o.srv.URL+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := o.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestObserveRequestID(t *testing.T) {
	o := newObserved(t)

	res, body := o.get(t, "/ok/1", nil)
	id := res.Header.Get("X-Request-ID")
	if res.StatusCode != 200 || body != "fine" {
		t.Fatalf("got %d %q", res.StatusCode, body)
	}
	if !goodRequestID.MatchString(id) {
		t.Fatalf("generated request id %q is not well-formed", id)
	}
	if seen := <-o.seenID; seen != id {
		t.Fatalf("handler saw request id %q, header says %q", seen, id)
	}
	res2, _ := o.get(t, "/ok/1", nil)
	<-o.seenID
	if res2.Header.Get("X-Request-ID") == id {
		t.Fatal("two requests got the same generated id")
	}

	for _, good := range []string{"abcdefgh", "client-req.0001_ABC", strings.Repeat("x", 64)} {
		res, _ := o.get(t, "/ok/2", map[string]string{"X-Request-ID": good})
		if got := res.Header.Get("X-Request-ID"); got != good {
			t.Errorf("well-formed id %q replaced by %q", good, got)
		}
		if seen := <-o.seenID; seen != good {
			t.Errorf("handler saw %q, want %q", seen, good)
		}
	}
	for _, bad := range []string{"short", "has space inside", "semi;colon-12345", strings.Repeat("x", 65), "<script>alert</script>", "日本語日本語日本語日本語"} {
		res, _ := o.get(t, "/ok/3", map[string]string{"X-Request-ID": bad})
		got := res.Header.Get("X-Request-ID")
		if got == bad || !goodRequestID.MatchString(got) {
			t.Errorf("malformed id %q answered with %q; want a fresh well-formed id", bad, got)
		}
		if seen := <-o.seenID; seen != got {
			t.Errorf("handler saw %q, header says %q", seen, got)
		}
	}
	if n := counterValue(t, o.metrics.requests.WithLabelValues("GET /ok/{id}", "GET", "200")); n != 11 {
		t.Errorf("requests counter for GET /ok/{id} 200 = %v, want 11", n)
	}
}

func TestObservePanicBecomes500(t *testing.T) {
	o := newObserved(t)

	res, body := o.get(t, "/panic", map[string]string{"X-Request-ID": "panic-req-0001"})
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if res.Header.Get("X-Request-ID") != "panic-req-0001" {
		t.Errorf("request id header lost on panic: %q", res.Header.Get("X-Request-ID"))
	}
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if p.Status != 500 || !strings.Contains(p.Detail, "panic-req-0001") || strings.Contains(body, "kaboom") {
		t.Errorf("problem %+v (body %q): want status 500, the request id, and no panic text", p, body)
	}

	// The server keeps serving.
	for range 3 {
		res, body := o.get(t, "/ok/9", nil)
		<-o.seenID
		if res.StatusCode != 200 || body != "fine" {
			t.Fatalf("after a panic: %d %q", res.StatusCode, body)
		}
	}

	// A panic after the answer started does not write a second status.
	res, body = o.get(t, "/panic-after-write", nil)
	if res.StatusCode != http.StatusAccepted || body != "partial" {
		t.Errorf("panic after write: %d %q", res.StatusCode, body)
	}

	// http.ErrAbortHandler is passed on: the connection is cut, not answered.
	req, _ := http.NewRequest(http.MethodGet, o.srv.URL+"/abort", nil)
	if res, err := o.srv.Client().Do(req); err == nil {
		res.Body.Close()
		t.Errorf("ErrAbortHandler answered %d; want the connection aborted", res.StatusCode)
	}

	if n := counterValue(t, o.metrics.requests.WithLabelValues("GET /panic", "GET", "500")); n != 1 {
		t.Errorf("500 counter for route GET /panic = %v, want 1 (a panicking request must keep its route label, not become %q)", n, "unmatched")
	}
	if n := counterValue(t, o.metrics.requests.WithLabelValues("GET /ok/{id}", "GET", "200")); n != 3 {
		t.Errorf("200 counter = %v, want 3", n)
	}
	// six requests; the aborted one is re-panicked before it is measured
	if n := histogramCount(t, o.reg, "rudder_http_request_duration_seconds"); n != 5 {
		t.Errorf("latency observations = %d, want 5", n)
	}

	var sawPanic, sawRequest bool
	for _, l := range o.logs.lines(t) {
		if l["msg"] == "panic" && l["request_id"] == "panic-req-0001" {
			sawPanic = l["level"] == "ERROR" && strings.Contains(l["stack"].(string), "goroutine")
		}
		if l["msg"] == "request" && l["request_id"] == "panic-req-0001" {
			sawRequest = l["level"] == "ERROR" && l["status"] == float64(500)
		}
	}
	if !sawPanic || !sawRequest {
		t.Errorf("logs lack the panic (%v) or its request line (%v): %v", sawPanic, sawRequest, o.logs.lines(t))
	}
}

func TestObserveUnmatchedRoute(t *testing.T) {
	o := newObserved(t)
	res, _ := o.get(t, "/nowhere", nil)
	if res.StatusCode != 404 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if n := counterValue(t, o.metrics.requests.WithLabelValues("unmatched", "GET", "404")); n != 1 {
		t.Errorf("unmatched counter = %v, want 1 (raw paths must not become labels)", n)
	}
}
