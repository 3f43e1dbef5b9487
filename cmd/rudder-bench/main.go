// Command rudder-bench runs Rudder's load benchmarks and writes BENCHMARKS.md.
//
//	rudder-bench --rudder bin/rudder --out BENCHMARKS.md [--quick]
//
// It measures a bare net/http JSON handler as the baseline, then `rudder
// serve` on SQLite and, when RUDDER_TEST_PG names a PostgreSQL server, on a
// fresh database there. `make bench` builds everything, starts a throw-away
// PostgreSQL cluster and runs it. Load goes to 127.0.0.1 only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rudder-crm/rudder/internal/bench"
)

func main() {
	var (
		rudderBin = flag.String("rudder", "bin/rudder", "path to the rudder binary")
		out       = flag.String("out", "BENCHMARKS.md", "report file to write (\"-\" for stdout)")
		quick     = flag.Bool("quick", false, "smoke test: 1 s per scenario, short warm-up")
		conns     = flag.String("conns", "8,64", "comma-separated connection counts")
		duration  = flag.Duration("duration", 5*time.Second, "measured time per scenario")
		warmup    = flag.Duration("warmup", time.Second, "warm-up per scenario")
		noPG      = flag.Bool("no-pg", false, "skip PostgreSQL even when RUDDER_TEST_PG is set")
		keep      = flag.Bool("keep", false, "keep the temp data dirs and server logs")
	)
	flag.Parse()

	cfg := bench.Config{
		Warmup:        *warmup,
		Duration:      *duration,
		StartAttempts: 3,
		IdleWait:      2 * time.Second,
		KeepWorkDir:   *keep,
		Logf: func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "rudder-bench: "+format+"\n", args...)
		},
	}
	if *quick {
		cfg.Warmup = 200 * time.Millisecond
		cfg.Duration = time.Second
	}
	for _, f := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			fatalf("bad --conns value %q", f)
		}
		cfg.Conns = append(cfg.Conns, n)
	}
	bin, err := filepath.Abs(*rudderBin)
	if err != nil {
		fatalf("%v", err)
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		fatalf("rudder binary %s not found (build it: make build)", bin)
	}
	cfg.RudderBin = bin
	if !*noPG {
		cfg.PGURL = os.Getenv("RUDDER_TEST_PG")
	}
	rerun := "bin/rudder-bench --rudder bin/rudder --out BENCHMARKS.md"
	if *quick {
		rerun += " --quick"
	}
	cfg.Commands = []string{
		"make bench            # builds bin/rudder (with the UI) and bin/rudder-bench, starts a throw-away PostgreSQL, runs:",
		"RUDDER_TEST_PG=postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable \\",
		"  " + rerun,
		"make bench BENCH_ARGS=--quick   # 1 s per scenario, a smoke test",
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	rep, runErr := bench.Run(ctx, cfg)
	if *quick {
		rep.Notes = append(rep.Notes, "Run with --quick (1 s per scenario): a smoke test, not numbers to quote.")
	}
	md := rep.Markdown()
	if *out == "-" {
		fmt.Print(md)
	} else if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		fatalf("write report: %v", err)
	} else {
		fmt.Fprintf(os.Stderr, "rudder-bench: wrote %s\n", *out)
	}
	for _, g := range rep.Goals() {
		status := "met"
		if !g.Met {
			status = "NOT met"
		}
		fmt.Fprintf(os.Stderr, "  goal %-8s %s — %s\n", status+":", g.Text, g.Detail)
	}
	if runErr != nil {
		fatalf("%v", runErr)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "rudder-bench: "+format+"\n", args...)
	os.Exit(1)
}
