package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Load describes one closed-loop load run: Conns goroutines, each keeping one
// keep-alive connection busy with sequential requests.
type Load struct {
	Name     string
	URL      string // must point at a loopback address
	Header   http.Header
	Conns    int
	Warmup   time.Duration // requests before the window are not recorded
	Duration time.Duration // measured window
	// MaxRequests caps the recorded requests (all goroutines together);
	// 0 means DefaultMaxRequests. The run ends early when it is reached.
	MaxRequests int
	// Timeout per request; 0 means 10 s.
	Timeout time.Duration
}

// DefaultMaxRequests bounds the samples one run may keep in memory.
const DefaultMaxRequests = 5_000_000

// CheckLoopback refuses any URL whose host is not a loopback IP address or
// "localhost": the harness only ever sends load to this machine.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to send load to %q: only loopback addresses are allowed", host)
	}
	return nil
}

// Run executes the load and summarizes it.
func (l Load) Run(ctx context.Context) (Result, error) {
	if err := CheckLoopback(l.URL); err != nil {
		return Result{}, err
	}
	if l.Conns < 1 {
		return Result{}, errors.New("conns must be >= 1")
	}
	maxReq := l.MaxRequests
	if maxReq <= 0 {
		maxReq = DefaultMaxRequests
	}
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	tr := &http.Transport{
		Proxy:               nil, // never via a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        l.Conns,
		MaxIdleConnsPerHost: l.Conns,
		MaxConnsPerHost:     l.Conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout}

	start := time.Now()
	windowStart := start.Add(l.Warmup)
	windowEnd := windowStart.Add(l.Duration)
	parent := ctx
	ctx, cancel := context.WithDeadline(ctx, windowEnd.Add(timeout))
	defer cancel()

	var (
		mu       sync.Mutex
		all      []time.Duration
		errKinds = map[string]int{}
		recorded int
		capHit   bool
		wg       sync.WaitGroup
	)
	perConn := maxReq / l.Conns
	if perConn < 1 {
		perConn = 1
	}
	for range l.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, min(perConn, 1<<16))
			local := map[string]int{}
			n := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(windowEnd) {
					break
				}
				kind := doRequest(ctx, client, l.URL, l.Header)
				t1 := time.Now()
				if kind == "canceled" || t1.After(windowEnd) {
					break // completed outside the window: not counted
				}
				if t0.Before(windowStart) {
					continue // warm-up
				}
				if kind == "" {
					lat = append(lat, t1.Sub(t0))
				} else {
					local[kind]++
				}
				n++
				if n >= perConn {
					mu.Lock()
					capHit = true
					mu.Unlock()
					cancel()
					break
				}
			}
			mu.Lock()
			all = append(all, lat...)
			for k, v := range local {
				errKinds[k] += v
			}
			recorded += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	end := time.Now()
	if err := parent.Err(); err != nil {
		return Result{}, fmt.Errorf("%s: %w", l.Name, err)
	}

	window := l.Duration
	if capHit && end.Before(windowEnd) {
		window = end.Sub(windowStart)
	}
	if window <= 0 {
		return Result{}, fmt.Errorf("%s: empty measurement window", l.Name)
	}
	r := Summarize(l.Name, l.Conns, all, errKinds, window)
	r.Truncated = capHit
	return r, nil
}

// doRequest performs one GET and returns "" on a 2xx answer, otherwise a short
// error kind (the status code, or "timeout"/"conn error").
func doRequest(ctx context.Context, c *http.Client, u string, h http.Header) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "bad request"
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "canceled"
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout"
		}
		return "conn error"
	}
	// Drain so the connection is reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return ""
}
