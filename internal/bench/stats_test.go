package bench

import (
	"strings"
	"testing"
	"time"
)

func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	// 1..100 ms: the p-th percentile by nearest rank is exactly p ms.
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Millisecond},
		{99, 99 * time.Millisecond},
		{99.9, 100 * time.Millisecond},
		{1, 1 * time.Millisecond},
		{0.5, 1 * time.Millisecond},
		{100, 100 * time.Millisecond},
		{0, 1 * time.Millisecond},
	} {
		if got := Percentile(s, tc.p); got != tc.want {
			t.Errorf("Percentile(1..100ms, %v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

func TestPercentileSmallSamples(t *testing.T) {
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("empty: got %v, want 0", got)
	}
	one := ms(7)
	for _, p := range []float64{1, 50, 99, 100} {
		if got := Percentile(one, p); got != 7*time.Millisecond {
			t.Errorf("single sample p%v = %v, want 7ms", p, got)
		}
	}
	// Four samples: p50 -> rank ceil(2) = 2nd, p99 -> rank 4, p25 -> rank 1, p26 -> rank 2.
	four := ms(10, 20, 30, 40)
	cases := map[float64]time.Duration{50: 20 * time.Millisecond, 99: 40 * time.Millisecond, 25: 10 * time.Millisecond, 26: 20 * time.Millisecond, 75: 30 * time.Millisecond}
	for p, want := range cases {
		if got := Percentile(four, p); got != want {
			t.Errorf("Percentile(10..40ms, %v) = %v, want %v", p, got, want)
		}
	}
}

func TestSummarize(t *testing.T) {
	lat := ms(5, 1, 3, 2, 4) // unsorted on purpose
	r := Summarize("x", 8, lat, map[string]int{"HTTP 500": 2, "timeout": 1}, 2*time.Second)
	if r.Requests != 8 || r.Errors != 3 {
		t.Fatalf("requests/errors = %d/%d, want 8/3", r.Requests, r.Errors)
	}
	if r.RPS != 2.5 { // 5 successes in 2 s
		t.Errorf("RPS = %v, want 2.5", r.RPS)
	}
	if r.P50 != 3*time.Millisecond || r.P99 != 5*time.Millisecond || r.Max != 5*time.Millisecond {
		t.Errorf("p50/p99/max = %v/%v/%v, want 3ms/5ms/5ms", r.P50, r.P99, r.Max)
	}
	if got, want := r.ErrorSummary(), "3 (HTTP 500×2, timeout×1)"; got != want {
		t.Errorf("ErrorSummary = %q, want %q", got, want)
	}
	if got := Summarize("y", 1, nil, nil, time.Second).ErrorSummary(); got != "0" {
		t.Errorf("no errors: %q", got)
	}
}

func TestFormat(t *testing.T) {
	for d, want := range map[time.Duration]string{
		1500 * time.Microsecond:  "1.50 ms",
		12340 * time.Microsecond: "12.3 ms",
		250 * time.Millisecond:   "250 ms",
		80 * time.Microsecond:    "0.08 ms",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := FormatBytes(42_500_000); got != "42.5 MB" {
		t.Errorf("FormatBytes = %q", got)
	}
}

func TestParsers(t *testing.T) {
	rss, err := parseVmRSS([]byte("Name:\trudder\nVmPeak:\t  9999 kB\nVmRSS:\t   23456 kB\nThreads: 9\n"))
	if err != nil || rss != 23456*1024 {
		t.Errorf("parseVmRSS = %d, %v", rss, err)
	}
	if _, err := parseVmRSS([]byte("Name: x\n")); err == nil {
		t.Error("parseVmRSS without VmRSS: want error")
	}
	cpu := parseCPUModel([]byte("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)   CPU @ 2.20GHz\n"))
	if cpu != "Intel(R) Xeon(R) CPU @ 2.20GHz" {
		t.Errorf("parseCPUModel = %q", cpu)
	}
	if mem := parseMemTotal([]byte("MemTotal:       24683520 kB\nMemFree: 1 kB\n")); mem != 24683520*1024 {
		t.Errorf("parseMemTotal = %d", mem)
	}
	if os := parseOSRelease([]byte("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")); os != "Debian GNU/Linux 12 (bookworm)" {
		t.Errorf("parseOSRelease = %q", os)
	}
	if m := DescribeMachine(); m.Cores < 1 || !strings.HasPrefix(m.GoVersion, "go") {
		t.Errorf("DescribeMachine = %+v", m)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/x", "http://localhost/", "http://[::1]:9/", "http://127.0.0.2:1/"} {
		if err := CheckLoopback(u); err != nil {
			t.Errorf("CheckLoopback(%q) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{"http://10.0.0.1/", "http://192.168.1.1:80/", "http://example.com/", "http://8.8.8.8/"} {
		if err := CheckLoopback(u); err == nil {
			t.Errorf("CheckLoopback(%q) = nil, want error", u)
		}
	}
}
