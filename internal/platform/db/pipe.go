package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrNoPipe is WithPipe's answer on SQLite, which has no pipeline mode.
var ErrNoPipe = errors.New("db: pipelines need PostgreSQL")

// Pipe is a PostgreSQL connection in pipeline mode: a statement is sent
// without waiting for the answers to those sent before it, so the server
// has the next one at hand when it finishes one instead of idling for a
// round trip. Each statement is its own implicit transaction, and the
// server runs them one after another in the order sent: each sees what
// those before it committed. A Pipe belongs to one goroutine; answers are
// received in the order the statements were sent.
type Pipe struct {
	conn  *pgx.Conn
	pl    *pgconn.Pipeline
	stmts map[*Hot]*pgconn.StatementDescription
	err   error // set once the connection is broken
}

// WithPipe runs fn with a pipe on a connection of the write pool, taken for
// fn's duration, with stmts prepared on it (statements cannot be prepared
// once the connection is in pipeline mode). fn must receive the answer to
// every statement it sent before returning.
func (d *DB) WithPipe(ctx context.Context, stmts []*Hot, fn func(*Pipe) error) error {
	if d.Dialect != Postgres {
		return ErrNoPipe
	}
	conn, err := d.Write.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: pipe: unexpected driver connection %T", dc)
		}
		p := &Pipe{conn: sc.Conn(), stmts: map[*Hot]*pgconn.StatementDescription{}}
		for _, h := range stmts {
			q := d.rebind(h.query)
			// Named by its text, as the driver names what it prepares: a
			// statement the pool prepared on this connection is reused.
			sd, err := p.conn.Prepare(ctx, q, q)
			if err != nil {
				return err
			}
			p.stmts[h] = sd
		}
		p.pl = p.conn.PgConn().StartPipeline(ctx)
		ferr := fn(p)
		// Close reads whatever fn left unread; a broken connection is
		// closed, and the pool drops it when it comes back.
		return errors.Join(ferr, p.pl.Close())
	})
}

// Send sends h with args as a statement of its own and returns without
// waiting for the answer (Recv reads it). h must be one of the statements
// the pipe was opened with. An argument that cannot be encoded is refused
// before anything is sent.
func (p *Pipe) Send(h *Hot, args ...any) error {
	if p.err != nil {
		return p.err
	}
	sd, ok := p.stmts[h]
	if !ok {
		return fmt.Errorf("db: pipe: statement not prepared on the pipe: %.60q", h.query)
	}
	if len(args) != len(sd.ParamOIDs) {
		return fmt.Errorf("db: pipe: %d arguments for %d parameters", len(args), len(sd.ParamOIDs))
	}
	m := p.conn.TypeMap()
	values, formats := make([][]byte, len(args)), make([]int16, len(args))
	for i, a := range args {
		oid := sd.ParamOIDs[i]
		formats[i] = m.FormatCodeForOID(oid)
		v, err := m.Encode(oid, formats[i], a, nil)
		if err != nil {
			return fmt.Errorf("db: pipe: argument %d: %w", i+1, err)
		}
		values[i] = v
	}
	p.pl.SendQueryStatement(sd, values, formats, nil)
	if err := p.pl.Sync(); err != nil {
		p.err = err
		return err
	}
	return nil
}

// Recv reads the answer to the oldest statement not yet received, calling
// row with the text of each row's columns (valid only during the call). A
// statement that failed answers its *pgconn.PgError, and the pipe goes on;
// any other error means the connection is broken (see Err).
func (p *Pipe) Recv(row func(values [][]byte) error) error {
	if p.err != nil {
		return p.err
	}
	err := p.recvResult(row)
	if p.err != nil {
		return p.err
	}
	// The statement's Sync, where its implicit transaction commits: a
	// failure to commit is answered here, before the Sync's own answer.
	serr := p.recvSync()
	var pg *pgconn.PgError
	if errors.As(serr, &pg) {
		if err := p.recvSync(); err != nil {
			p.err = err
			return err
		}
		return serr
	}
	if serr != nil {
		p.err = serr
		return serr
	}
	return err
}

func (p *Pipe) recvSync() error {
	res, err := p.pl.GetResults()
	if err != nil {
		return err
	}
	if _, ok := res.(*pgconn.PipelineSync); !ok {
		p.err = fmt.Errorf("db: pipe: expected the end of a statement, got %T", res)
		return p.err
	}
	return nil
}

func (p *Pipe) recvResult(row func(values [][]byte) error) error {
	res, err := p.pl.GetResults()
	if err != nil {
		return p.failed(err)
	}
	rr, ok := res.(*pgconn.ResultReader)
	if !ok {
		p.err = fmt.Errorf("db: pipe: expected a result, got %T", res)
		return p.err
	}
	var rowErr error
	for rr.NextRow() {
		if rowErr == nil {
			rowErr = row(rr.Values())
		}
	}
	if _, err := rr.Close(); err != nil {
		return p.failed(err)
	}
	return rowErr
}

// failed returns the error a statement's answer ended with, noting first
// whether it broke the connection (anything but the server's refusal).
func (p *Pipe) failed(err error) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		p.err = err
	}
	return err
}

// Err is the error that broke the pipe's connection, or nil.
func (p *Pipe) Err() error { return p.err }

// abandon breaks the pipe: its answers can no longer be trusted to line up
// with what was sent.
func (p *Pipe) abandon(err error) {
	if p.err == nil {
		p.err = err
	}
}
