// Package bench is Rudder's load-benchmark harness: a small closed-loop HTTP
// load generator, child-process control for `rudder serve`, and the
// BENCHMARKS.md report. cmd/rudder-bench is its command line.
package bench

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted latencies by
// the nearest-rank method: the smallest sample such that at least p% of the
// samples are less than or equal to it. It returns 0 for no samples.
// sorted must be in ascending order.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	if p >= 100 {
		return sorted[n-1]
	}
	rank := int(math.Ceil(p / 100 * float64(n))) // 1-based
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}

// Result is the outcome of one load scenario.
type Result struct {
	Name       string        // scenario, e.g. "GET /api/v1/me"
	Conns      int           // concurrent connections
	Duration   time.Duration // measured window (warm-up excluded)
	Requests   int           // completed requests in the window, errors included
	Errors     int           // non-2xx responses and transport errors
	ErrorKinds map[string]int
	RPS        float64 // successful requests per second
	P50, P99   time.Duration
	Max        time.Duration
	Truncated  bool   // stopped early at the request cap
	BodyBytes  int    // size of one answer's body (informational; 0 if unknown)
	Label      string // which run, for repeated scenarios (e.g. "before", "after")
}

// Summarize computes a Result from the latencies of successful requests,
// the error tally and the measured window. It sorts lat in place.
func Summarize(name string, conns int, lat []time.Duration, errKinds map[string]int, window time.Duration) Result {
	slices.Sort(lat)
	errs := 0
	for _, n := range errKinds {
		errs += n
	}
	r := Result{
		Name:       name,
		Conns:      conns,
		Duration:   window,
		Requests:   len(lat) + errs,
		Errors:     errs,
		ErrorKinds: errKinds,
		P50:        Percentile(lat, 50),
		P99:        Percentile(lat, 99),
	}
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	if window > 0 {
		r.RPS = float64(len(lat)) / window.Seconds()
	}
	return r
}

// ErrorSummary renders the error tally as "503×12, timeout×1", most frequent first.
func (r Result) ErrorSummary() string {
	if r.Errors == 0 {
		return "0"
	}
	type kv struct {
		k string
		n int
	}
	var kinds []kv
	for k, n := range r.ErrorKinds {
		kinds = append(kinds, kv{k, n})
	}
	sort.Slice(kinds, func(i, j int) bool {
		if kinds[i].n != kinds[j].n {
			return kinds[i].n > kinds[j].n
		}
		return kinds[i].k < kinds[j].k
	})
	parts := make([]string, len(kinds))
	for i, e := range kinds {
		parts[i] = fmt.Sprintf("%s×%d", e.k, e.n)
	}
	return fmt.Sprintf("%d (%s)", r.Errors, strings.Join(parts, ", "))
}

// FormatDuration renders a latency in milliseconds with sensible precision.
func FormatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.2f ms", ms)
	}
}

// FormatBytes renders a byte count in (decimal) megabytes.
func FormatBytes(b int64) string {
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}
