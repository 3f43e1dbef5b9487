// Command rudder is the Rudder server and its administration commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rudder-crm/rudder/internal/api"
	"github.com/rudder-crm/rudder/internal/demo"
	"github.com/rudder-crm/rudder/internal/importer"
	"github.com/rudder-crm/rudder/internal/jobs"
	"github.com/rudder-crm/rudder/internal/platform/config"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `rudder — lead-to-cash sales process management

Usage:
  rudder serve   [--addr 127.0.0.1:8080] [--data-dir ./data] [--database-url postgres://…] [--demo]
  rudder migrate [--data-dir DIR | --database-url URL]
  rudder demo    [--data-dir DIR | --database-url URL]
  rudder admin create-user --email E --name N --password P [--role admin] [--tenant NAME]
  rudder backup  --out FILE [--data-dir DIR]
  rudder version

Every flag has a RUDDER_* environment variable (RUDDER_ADDR, RUDDER_DATA_DIR, …).
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cfg, err := config.FromEnv()
	if err != nil {
		fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	args := os.Args[2:]
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, cfg, args)
	case "migrate":
		err = migrate(ctx, cfg, args)
	case "demo":
		err = loadDemo(ctx, cfg, args)
	case "admin":
		err = admin(ctx, cfg, args)
	case "backup":
		err = backup(ctx, cfg, args)
	case "version", "--version", "-v":
		fmt.Println("rudder", version)
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rudder:", err)
	os.Exit(1)
}

// open connects and brings the schema up to date.
func open(ctx context.Context, cfg config.Config) (*db.DB, error) {
	d, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	return fs.Parse(args)
}

func serve(ctx context.Context, cfg config.Config, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	cfg.ServeFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	signup, err := cfg.SignupOn()
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	slog.SetDefault(log)
	httpx.TrustProxy = cfg.TrustProxy
	d, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := httpx.PurgeIdempotency(ctx, d); err != nil {
		return err
	}
	if cfg.Demo {
		if err := loadDemoData(ctx, d, log); err != nil {
			return err
		}
	}
	// Imports left running by an instance that died are marked failed (not resumed).
	if n, err := importer.FailStale(ctx, d); err != nil {
		return err
	} else if n > 0 {
		log.Warn("imports interrupted by a restart marked failed", "count", n)
	}
	srv := api.New(d, api.Options{Version: version, Demo: cfg.Demo, Signup: signup, CookieSecure: cfg.CookieSecure, Logger: log,
		DataDir: cfg.DataDir})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	announce(cfg, ln.Addr().String(), d.Dialect)
	log.Info("serving", "addr", ln.Addr().String(), "database", string(d.Dialect), "version", version)
	// The periodic jobs run on every instance; each run is claimed by its
	// key in the database, so several instances still do it once.
	jctx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		(&jobs.Scheduler{DB: d, Log: log}).Run(jctx)
	}()
	defer func() { stopJobs(); <-jobsDone }() // before the database closes
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let in-flight requests finish (each
	// write is one transaction, so nothing is left half-written).
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func announce(cfg config.Config, addr string, dialect db.Dialect) {
	host, port, _ := net.SplitHostPort(addr)
	if host == "127.0.0.1" || host == "::1" || host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	fmt.Printf("\nRudder %s is running at http://%s:%s  (database: %s)\n", version, host, port, dialect)
	if cfg.Demo {
		fmt.Printf("Demo logins (password %q):\n", demo.Password)
		for _, l := range demo.Logins() {
			fmt.Printf("  %-28s %-9s %s %s\n", l.Email, l.Role, l.Name, l.Team)
		}
	}
	fmt.Println()
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func migrate(ctx context.Context, cfg config.Config, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ExitOnError)
	cfg.DatabaseFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("applied %d migrations (%s)\n", n, d.Dialect)
	return nil
}

func loadDemo(ctx context.Context, cfg config.Config, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	cfg.DatabaseFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	created, err := demo.Ensure(ctx, d)
	if err != nil {
		return err
	}
	if created {
		fmt.Println("demo tenant loaded; password for every demo login:", demo.Password)
	} else {
		fmt.Println("demo tenant already present")
	}
	start := time.Now()
	if loaded, err := demo.History(ctx, d, time.Now(), demo.FullHistory); err != nil {
		return err
	} else if loaded {
		fmt.Printf("demo history loaded (%d leads, %d customers, %d opportunities over %d months) in %v\n",
			demo.FullHistory.Leads, demo.FullHistory.Customers, demo.FullHistory.Opportunities, demo.FullHistory.Months,
			time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// loadDemoData loads the demo tenant and its history unless present.
func loadDemoData(ctx context.Context, d *db.DB, log *slog.Logger) error {
	if _, err := demo.Ensure(ctx, d); err != nil {
		return err
	}
	start := time.Now()
	loaded, err := demo.History(ctx, d, time.Now(), demo.FullHistory)
	if err != nil {
		return err
	}
	if loaded {
		log.Info("demo history loaded", "leads", demo.FullHistory.Leads, "customers", demo.FullHistory.Customers,
			"opportunities", demo.FullHistory.Opportunities, "took", time.Since(start).Round(time.Millisecond).String())
	}
	return nil
}

func backup(ctx context.Context, cfg config.Config, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ExitOnError)
	cfg.DatabaseFlags(fs)
	out := fs.String("out", "", "file to write the backup to (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup needs --out FILE")
	}
	d, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Println("backup written to", *out)
	return nil
}
