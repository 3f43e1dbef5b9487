package bench

import (
	"fmt"
	"strings"
	"time"
)

// Goal thresholds (see DESIGN.md / the benchmark brief).
const (
	GoalPointReadShare = 0.30                    // authenticated point read ≥ 30% of bare throughput
	GoalP99At8         = 15 * time.Millisecond   // p99 at 8 connections
	GoalStartToReady   = 1 * time.Second         // start to ready on an existing database
	GoalIdleRSS        = int64(60 * 1000 * 1000) // idle RSS, 60 MB
	GoalP99Conns       = 8
	PointReadScenario  = "GET /api/v1/me"
	BareScenario       = "bare net/http JSON handler"
)

// DBReport is everything measured on one database.
type DBReport struct {
	Name           string // "SQLite", "PostgreSQL"
	Version        string // optional, e.g. "PostgreSQL 15.14"
	Skipped        string // non-empty: why this database was not measured
	Failed         string // non-empty: the run broke partway; results may be partial
	Results        []Result
	StartToReady   []time.Duration // each attempt
	IdleRSS        int64
	RSSAfterLoad   int64
	FirstStartTime time.Duration // first start after the demo load (informational)
}

// BestStart is the fastest start-to-ready attempt (0 if none).
func (d DBReport) BestStart() time.Duration {
	var best time.Duration
	for i, s := range d.StartToReady {
		if i == 0 || s < best {
			best = s
		}
	}
	return best
}

// Report is the whole BENCHMARKS.md.
type Report struct {
	When      time.Time
	Machine   Machine
	Commands  []string
	Settings  string // e.g. "5 s per scenario after 1 s warm-up"
	Bare      []Result
	Databases []DBReport
	Notes     []string
	LoadStart float64 // 1-minute load average before and after the run (-1: unknown)
	LoadEnd   float64
	BusyStart float64 // share of CPU busy with other work in the second before the run (-1: unknown)
}

// BusyThreshold: above this share of CPU busy before the run, the report warns.
const BusyThreshold = 0.25

// bareRPS returns the bare handler's best throughput at conns (the baseline
// may have run more than once), or 0.
func (r Report) bareRPS(conns int) float64 {
	best := 0.0
	for _, b := range r.Bare {
		if b.Conns == conns && b.Errors == 0 && b.RPS > best {
			best = b.RPS
		}
	}
	return best
}

// Goal is one evaluated target.
type Goal struct {
	Text   string
	Met    bool
	Detail string
}

// Goals evaluates every target for every measured database. A scenario with
// errors, or a measurement that is missing, does not meet its goal.
func (r Report) Goals() []Goal {
	var goals []Goal
	for _, d := range r.Databases {
		if d.Skipped != "" {
			continue
		}
		// Point reads vs bare throughput, at every connection count measured.
		var details []string
		met, seen := true, false
		for _, res := range d.Results {
			if res.Name != PointReadScenario {
				continue
			}
			seen = true
			bare := r.bareRPS(res.Conns)
			share := 0.0
			if bare > 0 {
				share = res.RPS / bare
			}
			ok := bare > 0 && share >= GoalPointReadShare && res.Errors == 0
			met = met && ok
			details = append(details, fmt.Sprintf("%d conns: %.0f%%%s", res.Conns, share*100, errNote(res)))
		}
		goals = append(goals, Goal{
			Text:   fmt.Sprintf("%s: authenticated point read (`%s`) ≥ %.0f%% of the bare handler's throughput", d.Name, PointReadScenario, GoalPointReadShare*100),
			Met:    seen && met,
			Detail: orMissing(seen, strings.Join(details, "; ")),
		})

		// p99 at 8 connections, every Rudder scenario.
		details, met, seen = nil, true, false
		for _, res := range d.Results {
			if res.Conns != GoalP99Conns {
				continue
			}
			seen = true
			ok := res.P99 <= GoalP99At8 && res.Errors == 0
			met = met && ok
			details = append(details, fmt.Sprintf("`%s`: %s%s", res.Name, FormatDuration(res.P99), errNote(res)))
		}
		goals = append(goals, Goal{
			Text:   fmt.Sprintf("%s: p99 ≤ %s at %d connections", d.Name, FormatDuration(GoalP99At8), GoalP99Conns),
			Met:    seen && met,
			Detail: orMissing(seen, strings.Join(details, "; ")),
		})

		best := d.BestStart()
		goals = append(goals, Goal{
			Text:   fmt.Sprintf("%s: start to ready ≤ %s on an existing database", d.Name, fmtSeconds(GoalStartToReady)),
			Met:    best > 0 && best <= GoalStartToReady,
			Detail: orMissing(best > 0, "best of "+fmt.Sprint(len(d.StartToReady))+": "+fmtSeconds(best)),
		})
		goals = append(goals, Goal{
			Text:   fmt.Sprintf("%s: idle RSS ≤ %s", d.Name, FormatBytes(GoalIdleRSS)),
			Met:    d.IdleRSS > 0 && d.IdleRSS <= GoalIdleRSS,
			Detail: orMissing(d.IdleRSS > 0, FormatBytes(d.IdleRSS)),
		})
	}
	return goals
}

func errNote(r Result) string {
	if r.Errors == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d errors)", r.Errors)
}

func orMissing(ok bool, s string) string {
	if !ok {
		return "not measured"
	}
	return s
}

func fmtSeconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func fmtRPS(v float64) string {
	return fmt.Sprintf("%.0f", v)
}

// Markdown renders the report.
func (r Report) Markdown() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	w("# Rudder benchmarks\n\n")
	w("Generated by `cmd/rudder-bench` on %s. Every number below comes from that one run on the machine described here; ", r.When.UTC().Format("2006-01-02 15:04 MST"))
	w("the load generator, the baseline handler, Rudder and PostgreSQL all share this machine's cores.\n\n")

	w("## Machine\n\n")
	w("| | |\n|---|---|\n")
	w("| CPU | %s |\n", orDash(r.Machine.CPU))
	w("| Cores | %d |\n", r.Machine.Cores)
	if r.Machine.MemTotal > 0 {
		w("| Memory | %.1f GiB |\n", float64(r.Machine.MemTotal)/(1<<30))
	} else {
		w("| Memory | - |\n")
	}
	w("| Go | %s |\n", orDash(r.Machine.GoVersion))
	w("| OS | %s |\n", orDash(r.Machine.OS))
	if r.LoadStart >= 0 && r.LoadEnd >= 0 && (r.LoadStart > 0 || r.LoadEnd > 0) {
		w("| Load average (1 min) | %.2f before, %.2f after the run |\n", r.LoadStart, r.LoadEnd)
	}
	if r.BusyStart >= 0 {
		w("| CPU busy with other work in the second before the run | %.0f%% |\n", r.BusyStart*100)
	}
	w("\n")
	if r.BusyStart > BusyThreshold {
		w("**Warning:** the machine was busy with other work when the run started (%.0f%% of its CPU in the second before): that work competed for the cores, so the numbers below likely understate Rudder and the bare handler alike. Rerun on a quiet machine for numbers to quote.\n\n", r.BusyStart*100)
	}

	w("## How to rerun\n\n```sh\n")
	for _, c := range r.Commands {
		w("%s\n", c)
	}
	w("```\n\n")
	if r.Settings != "" {
		w("Method: %s\n\n", r.Settings)
	}

	w("## Baseline: bare net/http JSON handler\n\n")
	w("| run | connections | req/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|---|\n")
	for _, res := range r.Bare {
		w("| %s | %d | %s | %s | %s | %s |\n", orDash(res.Label), res.Conns, fmtRPS(res.RPS), FormatDuration(res.P50), FormatDuration(res.P99), res.ErrorSummary())
	}
	w("\n\"%% of bare\" below divides by the highest bare throughput at the same connection count.\n\n")

	for _, d := range r.Databases {
		title := d.Name
		if d.Version != "" {
			title += " (" + d.Version + ")"
		}
		w("## %s\n\n", title)
		if d.Skipped != "" {
			w("Not measured: %s\n\n", d.Skipped)
			continue
		}
		if d.Failed != "" {
			w("**The run failed partway; the numbers below are partial.** %s\n\n", d.Failed)
		}
		if len(d.Results) > 0 {
			w("| scenario | connections | req/s | p50 | p99 | %% of bare | errors | answer size |\n|---|---:|---:|---:|---:|---:|---|---:|\n")
			for _, res := range d.Results {
				share := "-"
				if bare := r.bareRPS(res.Conns); bare > 0 {
					share = fmt.Sprintf("%.0f%%", res.RPS/bare*100)
				}
				size := "-"
				if res.BodyBytes > 0 {
					size = fmt.Sprintf("%d B", res.BodyBytes)
				}
				w("| `%s` | %d | %s | %s | %s | %s | %s | %s |\n", res.Name, res.Conns, fmtRPS(res.RPS), FormatDuration(res.P50), FormatDuration(res.P99), share, res.ErrorSummary(), size)
			}
			w("\n")
		}
		if len(d.StartToReady) > 0 {
			attempts := make([]string, len(d.StartToReady))
			for i, s := range d.StartToReady {
				attempts[i] = fmtSeconds(s)
			}
			w("- Start to ready on the existing database: **%s** (best of %d: %s)\n", fmtSeconds(d.BestStart()), len(d.StartToReady), strings.Join(attempts, ", "))
		}
		if d.FirstStartTime > 0 {
			w("- First start after loading the demo data: %s\n", fmtSeconds(d.FirstStartTime))
		}
		if d.IdleRSS > 0 {
			w("- Idle RSS (ready, then 2 s idle, before any load): **%s**\n", FormatBytes(d.IdleRSS))
		}
		if d.RSSAfterLoad > 0 {
			w("- RSS after the load scenarios: %s\n", FormatBytes(d.RSSAfterLoad))
		}
		w("\n")
	}

	w("## Goals\n\n")
	goals := r.Goals()
	if len(goals) == 0 {
		w("No database was measured.\n\n")
	} else {
		w("| goal | result | measured |\n|---|---|---|\n")
		for _, g := range goals {
			status := "met"
			if !g.Met {
				status = "**NOT met**"
			}
			w("| %s | %s | %s |\n", g.Text, status, g.Detail)
		}
		w("\n")
	}

	if len(r.Notes) > 0 {
		w("## Notes\n\n")
		for _, n := range r.Notes {
			w("- %s\n", n)
		}
		w("\n")
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
