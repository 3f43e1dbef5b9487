package importer

import (
	"context"
)

// maxBusy is how many chunks are written at once. With two, PostgreSQL
// keeps a chunk's lookup, COPY and index upkeep on one core while the
// previous chunk's finishes on the other; the file is read meanwhile.
// SQLite has one write connection: there chunks take turns, and only the
// reading of the file overlaps the writing.
const maxBusy = 2

// chunk is a transaction's worth of rows, read from the file and then
// written by a goroutine of its own while the next chunk is read.
type chunk struct {
	rows      []row
	errs      []importError // refused rows' errors
	processed int
	errorRows int

	prev      *chunk // the chunk written before this one, if still in flight when this one started
	afterPrev bool   // a row shares a key with prev's: look up only once prev's rows are visible
	done      chan struct{}
	err       error // set before done is closed
	counts          // what the committed chunk did
}

func newChunk(rows int) *chunk {
	return &chunk{rows: make([]row, 0, rows), done: make(chan struct{})}
}

// waitPrev waits for the previous chunk to be committed; a failed one
// fails this one too.
func (c *chunk) waitPrev() error {
	if c.prev == nil {
		return nil
	}
	<-c.prev.done
	if c.prev.err != nil {
		return errEarlierFailed
	}
	return nil
}

// sharesKey reports whether a row of c has a lead key (phone or email) of
// a row of p: c's lookup could not see the lead p is creating or updating
// for that row until p commits.
func (c *chunk) sharesKey(p *chunk) bool {
	keys := make(map[string]struct{}, 2*len(p.rows))
	for i := range p.rows {
		for _, k := range p.rows[i].leadKeys() {
			keys[k] = struct{}{}
		}
	}
	for i := range c.rows {
		for _, k := range c.rows[i].leadKeys() {
			if _, ok := keys[k]; ok {
				return true
			}
		}
	}
	return false
}

// flush starts writing the chunk read so far and starts a new one. It
// first waits for the oldest chunk in flight when maxBusy are, and returns
// the first error of a finished chunk: the import stops there.
func (r *runner) flush(ctx context.Context) error {
	c := r.cur
	if c.processed == 0 {
		return nil
	}
	r.cur = newChunk(r.chunkRows)
	if len(r.busy) == maxBusy {
		if err := r.finish(); err != nil {
			return err
		}
	}
	if n := len(r.busy); n > 0 {
		c.prev = r.busy[n-1]
		c.afterPrev = c.sharesKey(c.prev)
	}
	r.busy = append(r.busy, c)
	go r.writeChunk(ctx, c)
	return nil
}

// finish waits for the oldest chunk in flight and adds up its counters.
func (r *runner) finish() error {
	c := r.busy[0]
	<-c.done
	r.busy = r.busy[1:]
	c.rows, c.errs, c.prev = nil, nil, nil // the next chunk only reads done and err
	if c.err != nil {
		return c.err
	}
	r.total.processed += c.processed
	r.total.created += c.created
	r.total.updated += c.updated
	r.total.skipped += c.skipped
	r.total.errors += c.errors
	return nil
}

// drain waits for every chunk in flight; it returns the first one's error.
func (r *runner) drain() error {
	var first error
	for len(r.busy) > 0 {
		if err := r.finish(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
