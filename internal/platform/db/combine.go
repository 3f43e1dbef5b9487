package db

import (
	"context"
	"fmt"
	"sync"
)

// Combiner writes the items of concurrent callers together, atomically per
// batch: group commit done by the application. Under load a create pays
// one transaction (and one round trip per statement) shared by every
// request that arrived while the previous batch was writing, instead of
// its own; a lone caller is written at once, without waiting for company.
// Write must handle a batch of any size up to Max, record each item's own
// outcome (a refusal of one item is not an error of the batch) and be safe
// to run again: when a batch fails, each of its items is retried alone, so
// one bad item cannot fail the others and every caller gets its own error.
// One batch is written at a time: the batches of an instance see each
// other's writes (measured on PostgreSQL, a second writer bought no
// throughput and cost CPU per item, its batches smaller; sending the next
// batch while one runs, Send below, bought 10–15%).
type Combiner[T any] struct {
	// Max bounds a batch.
	Max int
	// Write writes a batch atomically (one transaction, or one statement).
	Write func(ctx context.Context, items []T) error

	// Send, when set, writes the batches on PostgreSQL through a Pipe of
	// DB holding Stmts instead: a batch is sent while the one before it
	// runs, so that the server goes from one batch to the next without
	// waiting a round trip for each. Batches still run one at a time, in
	// order, each seeing the writes of those before it. Send sends a
	// batch's statement (one, atomic) and returns the function that
	// receives its answer and records each item's outcome; Write still
	// writes the items of a caller in a transaction, and whatever a broken
	// pipe leaves unwritten.
	Send  func(p *Pipe, items []T) (recv func() error, err error)
	DB    *DB
	Stmts []*Hot

	mu      sync.Mutex
	pending []combined[T]
	running bool
}

type combined[T any] struct {
	item T
	done chan error
}

// Do writes item with whatever other items are waiting and returns when its
// transaction has ended. A caller already in a transaction writes alone,
// inside it, so the item commits or rolls back with the caller's work.
func (c *Combiner[T]) Do(ctx context.Context, item T) error {
	if _, in := InTxFrom(ctx); in {
		return c.Write(ctx, []T{item})
	}
	w := combined[T]{item: item, done: make(chan error, 1)}
	c.mu.Lock()
	c.pending = append(c.pending, w)
	if !c.running {
		c.running = true
		// The batches outlive any one request, so they carry none of a
		// request's values or deadline: items carry what they need.
		go c.run(context.Background())
	}
	c.mu.Unlock()
	return <-w.done
}

// run writes batches until nobody is waiting.
func (c *Combiner[T]) run(ctx context.Context) {
	if c.Send != nil && c.DB != nil && c.DB.Dialect == Postgres {
		idle := false
		// A pipe that cannot be opened, or breaks, leaves its items
		// pending for the loop below.
		_ = c.DB.WithPipe(ctx, c.Stmts, func(p *Pipe) error { idle = c.runPipe(p); return nil })
		if idle {
			return
		}
	}
	for {
		batch := c.next(true)
		if batch == nil {
			return
		}
		c.writeBatch(ctx, batch)
	}
}

// next takes the next batch off the queue; when none is waiting it
// answers nil, and, if idle, ends the run.
func (c *Combiner[T]) next(idle bool) []combined[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(len(c.pending), max(c.Max, 1))
	if n == 0 {
		if idle {
			c.running = false
		}
		return nil
	}
	batch := c.pending[:n:n]
	c.pending = append([]combined[T](nil), c.pending[n:]...)
	return batch
}

// pipeDepth is how many batches are sent and not yet answered: two keep
// the server busy (one runs while the next waits).
const pipeDepth = 2

// flight is a batch sent down a pipe, with the receiver of its answer.
type flight[T any] struct {
	batch []combined[T]
	recv  func() error
}

// runPipe writes batches through p until nobody is waiting (true) or p
// breaks (false), when what it had not written is back in the queue.
func (c *Combiner[T]) runPipe(p *Pipe) bool {
	var sent []flight[T]
	var alone []combined[T] // the items of a failed batch, each to be sent alone
	for {
		if len(sent) < pipeDepth {
			var batch []combined[T]
			if len(alone) > 0 {
				batch, alone = alone[:1:1], alone[1:]
			} else {
				batch = c.next(len(sent) == 0)
			}
			if batch == nil && len(sent) == 0 {
				return true
			}
			if batch != nil {
				recv, err := c.send(p, batch)
				switch {
				case p.Err() != nil:
					c.requeue(append(append(flatten(sent), batch...), alone...))
					return false
				case err != nil:
					alone = c.failed(batch, err, alone)
				default:
					sent = append(sent, flight[T]{batch, recv})
				}
				continue
			}
		}
		f := sent[0]
		sent = sent[1:]
		err := c.receive(p, f.recv)
		switch {
		case p.Err() != nil:
			c.requeue(append(append(alone, f.batch...), flatten(sent)...))
			return false
		case err != nil:
			alone = c.failed(f.batch, err, alone)
		default:
			for _, w := range f.batch {
				w.done <- nil
			}
		}
	}
}

// failed answers err to the caller of a batch of one; the items of a
// larger batch are added to alone, to be written one at a time, so that
// each caller gets its own outcome.
func (c *Combiner[T]) failed(batch []combined[T], err error, alone []combined[T]) []combined[T] {
	if len(batch) > 1 {
		return append(alone, batch...)
	}
	batch[0].done <- err
	return alone
}

// requeue puts items back at the head of the queue.
func (c *Combiner[T]) requeue(items []combined[T]) {
	if len(items) == 0 {
		return
	}
	c.mu.Lock()
	c.pending = append(append([]combined[T](nil), items...), c.pending...)
	c.mu.Unlock()
}

func flatten[T any](fs []flight[T]) []combined[T] {
	var all []combined[T]
	for _, f := range fs {
		all = append(all, f.batch...)
	}
	return all
}

// send runs Send; a panic becomes the batch's error.
func (c *Combiner[T]) send(p *Pipe, batch []combined[T]) (recv func() error, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("db: combined send panicked: %v", r)
		}
	}()
	return c.Send(p, items(batch))
}

// receive runs a batch's receiver. A panic there may leave its answer
// half read, so it breaks the pipe.
func (c *Combiner[T]) receive(p *Pipe, recv func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("db: combined receive panicked: %v", r)
			p.abandon(err)
		}
	}()
	return recv()
}

func items[T any](batch []combined[T]) []T {
	out := make([]T, len(batch))
	for i, w := range batch {
		out[i] = w.item
	}
	return out
}

func (c *Combiner[T]) writeBatch(ctx context.Context, batch []combined[T]) {
	err := c.write(ctx, items(batch))
	if err != nil && len(batch) > 1 {
		for _, w := range batch {
			w.done <- c.write(ctx, []T{w.item})
		}
		return
	}
	for _, w := range batch {
		w.done <- err
	}
}

// write runs Write; a panic becomes the batch's error, as
// no request handler is there to recover it.
func (c *Combiner[T]) write(ctx context.Context, items []T) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("db: combined write panicked: %v", p)
		}
	}()
	return c.Write(ctx, items)
}
