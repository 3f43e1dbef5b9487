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
// its own; a lone caller is written at once, without waiting for company. Write must handle a batch of any size up to Max, record each
// item's own outcome (a refusal of one item is not an error of the batch)
// and be safe to run again: when a batch fails, each of its items is
// retried alone, so one bad item cannot fail the others and every caller
// gets its own error. One batch is written at a time: the batches of an
// instance see each other's writes (measured on PostgreSQL, a second
// writer bought no throughput and cost CPU per item, its batches smaller).
type Combiner[T any] struct {
	// Max bounds a batch.
	Max int
	// Write writes a batch atomically (one transaction, or one statement).
	Write func(ctx context.Context, items []T) error

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
	for {
		c.mu.Lock()
		n := min(len(c.pending), max(c.Max, 1))
		if n == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		batch := c.pending[:n:n]
		c.pending = append([]combined[T](nil), c.pending[n:]...)
		c.mu.Unlock()
		c.writeBatch(ctx, batch)
	}
}

func (c *Combiner[T]) writeBatch(ctx context.Context, batch []combined[T]) {
	items := make([]T, len(batch))
	for i, w := range batch {
		items[i] = w.item
	}
	err := c.write(ctx, items)
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
