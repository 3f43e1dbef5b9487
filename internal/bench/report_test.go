package bench

import (
	"strings"
	"testing"
	"time"
)

func sampleReport() Report {
	res := func(name string, conns int, rps float64, p50, p99 time.Duration, errs int) Result {
		r := Result{Name: name, Conns: conns, RPS: rps, P50: p50, P99: p99, Duration: 5 * time.Second}
		if errs > 0 {
			r.Errors = errs
			r.ErrorKinds = map[string]int{"HTTP 503": errs}
		}
		return r
	}
	return Report{
		When:     time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC),
		Machine:  Machine{CPU: "Test CPU", Cores: 2, MemTotal: 24 << 30, GoVersion: "go1.26.8", OS: "linux/amd64"},
		Commands: []string{"make bench"},
		Bare: []Result{
			res(BareScenario, 8, 40000, time.Millisecond/5, time.Millisecond, 0),
			res(BareScenario, 64, 50000, time.Millisecond, 5*time.Millisecond, 0),
		},
		Databases: []DBReport{
			{
				Name: "SQLite",
				Results: []Result{
					res(PointReadScenario, 8, 16000, time.Millisecond/2, 3*time.Millisecond, 0),   // 40%
					res(PointReadScenario, 64, 16000, 4*time.Millisecond, 20*time.Millisecond, 0), // 32%
					res("GET /api/v1/users?limit=50", 8, 4000, 2*time.Millisecond, 9*time.Millisecond, 0),
				},
				StartToReady: []time.Duration{400 * time.Millisecond, 300 * time.Millisecond, 350 * time.Millisecond},
				IdleRSS:      40_000_000,
			},
			{
				Name:    "PostgreSQL",
				Version: "PostgreSQL 15.14",
				Results: []Result{
					res(PointReadScenario, 8, 8000, time.Millisecond, 4*time.Millisecond, 0), // 20%: not met
					res(PointReadScenario, 64, 20000, 3*time.Millisecond, 9*time.Millisecond, 0),
					res("GET /api/v1/users?limit=50", 8, 3000, 2*time.Millisecond, 16*time.Millisecond, 2), // p99 too high + errors
				},
				StartToReady: []time.Duration{1500 * time.Millisecond, 1200 * time.Millisecond, 1300 * time.Millisecond},
				IdleRSS:      70_000_000,
			},
		},
	}
}

func goalMap(t *testing.T, r Report) map[string]Goal {
	t.Helper()
	m := map[string]Goal{}
	for _, g := range r.Goals() {
		m[g.Text] = g
	}
	return m
}

func TestGoals(t *testing.T) {
	g := goalMap(t, sampleReport())
	if len(g) != 8 {
		t.Fatalf("got %d goals, want 8 (4 per database): %v", len(g), g)
	}
	check := func(prefix string, want bool, detail string) {
		t.Helper()
		for text, goal := range g {
			if strings.HasPrefix(text, prefix) {
				if goal.Met != want {
					t.Errorf("%q: met = %v, want %v (%s)", text, goal.Met, want, goal.Detail)
				}
				if !strings.Contains(goal.Detail, detail) {
					t.Errorf("%q: detail %q does not contain %q", text, goal.Detail, detail)
				}
				return
			}
		}
		t.Errorf("no goal starting with %q", prefix)
	}
	check("SQLite: authenticated point read", true, "8 conns: 40%; 64 conns: 32%")
	check("SQLite: p99", true, "`GET /api/v1/me`: 3.00 ms")
	check("SQLite: start to ready", true, "best of 3: 300 ms")
	check("SQLite: idle RSS", true, "40.0 MB")
	check("PostgreSQL: authenticated point read", false, "8 conns: 20%")
	check("PostgreSQL: p99", false, "16.0 ms (2 errors)")
	check("PostgreSQL: start to ready", false, "1.20 s")
	check("PostgreSQL: idle RSS", false, "70.0 MB")
}

func TestGoalsMissingMeasurementsAreNotMet(t *testing.T) {
	r := Report{
		Bare:      nil, // no baseline: the share cannot be computed
		Databases: []DBReport{{Name: "SQLite", Failed: "boom", Results: []Result{{Name: PointReadScenario, Conns: 8, RPS: 100, P99: time.Millisecond}}}, {Name: "PostgreSQL", Skipped: "no server"}},
	}
	goals := r.Goals()
	if len(goals) != 4 {
		t.Fatalf("got %d goals, want 4 (skipped database has none)", len(goals))
	}
	for _, g := range goals {
		if strings.Contains(g.Text, "p99") {
			if !g.Met {
				t.Errorf("p99 goal should be met: %+v", g)
			}
			continue
		}
		if g.Met {
			t.Errorf("goal without a measurement marked met: %+v", g)
		}
	}
}

func TestMarkdown(t *testing.T) {
	rep := sampleReport()
	rep.Databases[0].Results[0].BodyBytes = 512
	md := rep.Markdown()
	for _, want := range []string{
		"# Rudder benchmarks",
		"| CPU | Test CPU |",
		"| Cores | 2 |",
		"| Memory | 24.0 GiB |",
		"| Go | go1.26.8 |",
		"```sh\nmake bench\n```",
		"## Baseline: bare net/http JSON handler",
		"| - | 8 | 40000 | 0.20 ms | 1.00 ms | 0 |",
		"## SQLite\n",
		"| `GET /api/v1/me` | 8 | 16000 | 0.50 ms | 3.00 ms | 40% | 0 | 512 B |",
		"| `GET /api/v1/me` | 64 | 16000 | 4.00 ms | 20.0 ms | 32% | 0 | - |",
		"## PostgreSQL (PostgreSQL 15.14)",
		"| `GET /api/v1/users?limit=50` | 8 | 3000 | 2.00 ms | 16.0 ms | 8% | 2 (HTTP 503×2) | - |",
		"Start to ready on the existing database: **300 ms** (best of 3: 400 ms, 300 ms, 350 ms)",
		"Idle RSS (ready, then 2 s idle, before any load): **40.0 MB**",
		"## Goals",
		"| SQLite: idle RSS ≤ 60.0 MB | met | 40.0 MB |",
		"| PostgreSQL: idle RSS ≤ 60.0 MB | **NOT met** | 70.0 MB |",
		"| PostgreSQL: start to ready ≤ 1.00 s on an existing database | **NOT met** | best of 3: 1.20 s |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n---\n%s", want, md)
		}
	}
	if n := strings.Count(md, "**NOT met**"); n != 4 {
		t.Errorf("NOT met count = %d, want 4", n)
	}
}

func TestMarkdownSkippedAndFailed(t *testing.T) {
	r := Report{Databases: []DBReport{
		{Name: "SQLite", Failed: "rudder demo: exit status 1"},
		{Name: "PostgreSQL", Skipped: "RUDDER_TEST_PG was not set"},
	}}
	md := r.Markdown()
	for _, want := range []string{"**The run failed partway; the numbers below are partial.** rudder demo: exit status 1", "Not measured: RUDDER_TEST_PG was not set", "**NOT met** | not measured"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
}

func TestShareUsesBestBareRun(t *testing.T) {
	r := Report{
		Bare: []Result{
			{Name: BareScenario, Label: "before", Conns: 8, RPS: 10000},
			{Name: BareScenario, Label: "after", Conns: 8, RPS: 20000},
			{Name: BareScenario, Label: "broken", Conns: 8, RPS: 90000, Errors: 5}, // runs with errors are not a baseline
		},
		Databases: []DBReport{{Name: "SQLite", Results: []Result{{Name: PointReadScenario, Conns: 8, RPS: 5000, P99: time.Millisecond}}}},
	}
	if got := r.bareRPS(8); got != 20000 {
		t.Fatalf("bareRPS = %v, want 20000", got)
	}
	g := r.Goals()[0]
	if g.Met || !strings.Contains(g.Detail, "8 conns: 25%") {
		t.Errorf("share goal = %+v, want NOT met at 25%%", g)
	}
	if md := r.Markdown(); !strings.Contains(md, "| before | 8 | 10000 |") || !strings.Contains(md, "| `GET /api/v1/me` | 8 | 5000 | 0.00 ms | 1.00 ms | 25% |") {
		t.Errorf("markdown:\n%s", md)
	}
}

func TestLoadAverageInReport(t *testing.T) {
	if v := parseLoadAvg([]byte("9.95 5.33 2.40 3/412 22402\n")); v != 9.95 {
		t.Errorf("parseLoadAvg = %v", v)
	}
	if v := parseLoadAvg([]byte("")); v != -1 {
		t.Errorf("parseLoadAvg(empty) = %v", v)
	}
	busy, total, ok := parseCPUStat([]byte("cpu  100 0 50 800 50 0 0 0 7 0\ncpu0 1 2 3 4 5\n"))
	if !ok || total != 1000 || busy != 150 {
		t.Errorf("parseCPUStat = %d/%d %v, want 150/1000", busy, total, ok)
	}
	if v := CPUBusy(50 * time.Millisecond); v < 0 || v > 1 {
		t.Errorf("CPUBusy = %v, want within 0..1", v)
	}
	r := sampleReport()
	r.LoadStart, r.LoadEnd, r.BusyStart = 9.95, 3.5, 0.6
	md := r.Markdown()
	for _, want := range []string{"| Load average (1 min) | 9.95 before, 3.50 after the run |", "| CPU busy with other work in the second before the run | 60% |", "**Warning:** the machine was busy"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	r.BusyStart = 0.05
	if md := r.Markdown(); strings.Contains(md, "**Warning:**") {
		t.Errorf("quiet machine flagged as busy")
	}
}
