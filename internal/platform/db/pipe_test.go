package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/rudder-crm/rudder/internal/platform/db"
)

// pipeTable makes a table of numbers that must not be negative and
// answers its count.
func pipeTable(t *testing.T, d *db.DB) func() int {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{"CREATE TABLE t_piped (n INTEGER PRIMARY KEY CHECK (n >= 0))",
		"CREATE TABLE t_child (n INTEGER PRIMARY KEY, parent INTEGER REFERENCES t_piped (n) DEFERRABLE INITIALLY DEFERRED)"} {
		if _, err := d.Write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() int {
		t.Helper()
		var n int
		if err := d.Write.QueryRowContext(ctx, "SELECT count(*) FROM t_piped").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
}

var (
	pipeInsert = db.Unregistered("INSERT INTO t_piped (n) SELECT x FROM unnest(?::int[]) AS x RETURNING n")
	pipeCount  = db.Unregistered("SELECT count(*) FROM t_piped")
	pipeChild  = db.Unregistered("INSERT INTO t_child (n, parent) VALUES (?, ?)")
	pipeKill   = db.Unregistered("SELECT pg_terminate_backend(pg_backend_pid())")
)

// pgCode is the SQLSTATE of err, or "".
func pgCode(err error) string {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code
	}
	return ""
}

// Statements sent down a pipe run in order, each its own transaction that
// sees those before it; one that fails, while running or when it commits,
// answers its error and the ones after it still run.
func TestPipe(t *testing.T) {
	if err := open(t, db.SQLite).WithPipe(context.Background(), nil, func(*db.Pipe) error { return nil }); !errors.Is(err, db.ErrNoPipe) {
		t.Fatalf("SQLite has no pipeline: %v", err)
	}
	d := open(t, db.Postgres)
	count := pipeTable(t, d)
	var got []string
	row := func(v [][]byte) error { got = append(got, string(v[0])); return nil }
	err := d.WithPipe(context.Background(), []*db.Hot{pipeInsert, pipeCount, pipeChild}, func(p *db.Pipe) error {
		sends := []struct {
			h    *db.Hot
			args []any
		}{
			{pipeInsert, []any{[]int32{1, 2}}},
			{pipeInsert, []any{[]int32{3, -1}}}, // the check fails: 3 is not written either
			{pipeChild, []any{1, 99}},           // a foreign key checked when it commits
			{pipeCount, nil},
			{pipeInsert, []any{[]int32{4}}},
			{pipeCount, nil},
		}
		for _, s := range sends {
			if err := p.Send(s.h, s.args...); err != nil {
				return err
			}
		}
		codes := make([]string, len(sends))
		for i := range sends {
			err := p.Recv(row)
			if codes[i] = pgCode(err); err != nil && codes[i] == "" {
				return err
			}
		}
		if want := []string{"", "23514", "23503", "", "", ""}; strings.Join(codes, ",") != strings.Join(want, ",") {
			t.Errorf("answers %q, want %q", codes, want)
		}
		if err := p.Send(pipeCount, "too many"); err == nil {
			t.Error("a statement with the wrong number of arguments was sent")
		}
		return p.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "1 2 2 4 3" || count() != 3 {
		t.Fatalf("rows %q, count %d: each statement sees what those before it committed", got, count())
	}
}

// A pipe whose connection breaks says so, and the pool gives later work a
// connection of its own.
func TestPipeBroken(t *testing.T) {
	d := open(t, db.Postgres)
	count := pipeTable(t, d)
	err := d.WithPipe(context.Background(), []*db.Hot{pipeKill, pipeCount}, func(p *db.Pipe) error {
		if err := p.Send(pipeKill); err != nil {
			return err
		}
		_ = p.Recv(func([][]byte) error { return nil })
		if p.Err() == nil {
			t.Error("the pipe's connection was ended but the pipe did not break")
		}
		if err := p.Send(pipeCount); err == nil {
			t.Error("a broken pipe sent a statement")
		}
		return nil
	})
	if err == nil {
		t.Error("WithPipe over a broken connection answered no error")
	}
	if count() != 0 {
		t.Fatal("count")
	}
}

// pipedCombiner writes numbers to t_piped through a pipe, counting the
// batches sent and those written without one. A number of 1000 ends the
// pipe's connection; 2000 makes Send panic.
type pipedCombiner struct {
	d            *db.DB
	sent, plain  atomic.Int32
	c            *db.Combiner[int]
	killed       atomic.Bool
	mu           sync.Mutex
	biggestBatch int
}

func newPipedCombiner(d *db.DB) *pipedCombiner {
	pc := &pipedCombiner{d: d}
	pc.c = &db.Combiner[int]{Max: 8, DB: d, Stmts: []*db.Hot{pipeInsert, pipeKill},
		Write: func(ctx context.Context, ns []int) error {
			pc.plain.Add(1)
			_, err := d.ExecHot(ctx, pipeInsert, int32s(ns))
			return err
		},
		Send: func(p *db.Pipe, ns []int) (func() error, error) {
			pc.sent.Add(1)
			pc.mu.Lock()
			pc.biggestBatch = max(pc.biggestBatch, len(ns))
			pc.mu.Unlock()
			for _, n := range ns {
				if n == 2000 {
					panic("boom")
				}
				if n == 1000 && !pc.killed.Swap(true) {
					if err := p.Send(pipeKill); err != nil {
						return nil, err
					}
					return func() error { return p.Recv(func([][]byte) error { return nil }) }, nil
				}
			}
			if err := p.Send(pipeInsert, int32s(ns)); err != nil {
				return nil, err
			}
			return func() error {
				written := 0
				err := p.Recv(func([][]byte) error { written++; return nil })
				if err == nil && written != len(ns) {
					err = fmt.Errorf("%d of %d written", written, len(ns))
				}
				return err
			}, nil
		}}
	return pc
}

func int32s(ns []int) []int32 {
	out := make([]int32, len(ns))
	for i, n := range ns {
		out[i] = int32(n)
	}
	return out
}

// doInts calls Do for each number at once and returns their errors.
func doInts(c *db.Combiner[int], ns []int) []error {
	errs := make([]error, len(ns))
	var wg sync.WaitGroup
	for i, n := range ns {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.Do(context.Background(), n) }()
	}
	wg.Wait()
	return errs
}

// Through a pipe, a failed batch's items are written one at a time too,
// so each caller gets its own outcome.
func TestCombinerPipe(t *testing.T) {
	d := open(t, db.Postgres)
	count := pipeTable(t, d)
	pc := newPipedCombiner(d)
	var ns []int
	for i := 0; i < 200; i++ {
		ns = append(ns, i)
	}
	ns = append(ns, -1, -2, 2000)
	errs := doInts(pc.c, ns)
	for i, err := range errs {
		switch n := ns[i]; {
		case n < 0 && pgCode(err) != "23514":
			t.Errorf("%d: %v, want the check's violation", n, err)
		case n == 2000 && (err == nil || !strings.Contains(err.Error(), "panicked: boom")):
			t.Errorf("%d: %v, want the panic", n, err)
		case n >= 0 && n < 2000 && err != nil:
			t.Errorf("%d failed with its batch: %v", n, err)
		}
	}
	if count() != 200 || pc.plain.Load() != 0 || pc.sent.Load() == 0 {
		t.Fatalf("%d rows, %d batches sent, %d written without the pipe", count(), pc.sent.Load(), pc.plain.Load())
	}
	if pc.biggestBatch < 2 {
		t.Fatalf("concurrent callers were not combined (biggest batch %d)", pc.biggestBatch)
	}
}

// When the pipe's connection breaks, what it had not written is written
// without it, and no caller sees the failure.
func TestCombinerPipeBroken(t *testing.T) {
	d := open(t, db.Postgres)
	count := pipeTable(t, d)
	pc := newPipedCombiner(d)
	ns := []int{1000}
	for i := 0; i < 100; i++ {
		ns = append(ns, i)
	}
	for i, err := range doInts(pc.c, ns) {
		if err != nil {
			t.Errorf("%d: %v", ns[i], err)
		}
	}
	if count() != len(ns) || !pc.killed.Load() || pc.plain.Load() == 0 {
		t.Fatalf("%d rows of %d; pipe killed %v; %d batches written without it", count(), len(ns), pc.killed.Load(), pc.plain.Load())
	}
	// The next burst opens a pipe again.
	sent := pc.sent.Load()
	if err := pc.c.Do(context.Background(), 5000); err != nil || pc.sent.Load() == sent {
		t.Fatalf("after a broken pipe: %v, sent %d → %d", err, sent, pc.sent.Load())
	}
}
