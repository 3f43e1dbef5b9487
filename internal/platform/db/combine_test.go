package db_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/platform/db"
)

// item is a write through a combiner: bad ones make their batch fail.
type item struct {
	n      int
	bad    bool
	panics bool
}

// recorder is a Write that records the batches it was given; the first
// batch waits for release, so that the callers behind it queue up.
type recorder struct {
	mu      sync.Mutex
	batches [][]int
	release chan struct{}
	once    sync.Once
}

func (r *recorder) write(ctx context.Context, items []*item) error {
	r.once.Do(func() { <-r.release })
	r.mu.Lock()
	var ns []int
	for _, it := range items {
		ns = append(ns, it.n)
	}
	r.batches = append(r.batches, ns)
	r.mu.Unlock()
	for _, it := range items {
		if it.panics {
			panic("boom")
		}
		if it.bad {
			return fmt.Errorf("item %d is bad", it.n)
		}
	}
	return nil
}

// doAll calls Do for every item at once and returns their errors.
func doAll(c *db.Combiner[*item], items []*item) []error {
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Do(context.Background(), it)
		}()
	}
	wg.Wait()
	return errs
}

func TestCombinerBatchesWaitingCallers(t *testing.T) {
	r := &recorder{release: make(chan struct{})}
	c := &db.Combiner[*item]{Max: 4, Write: r.write}
	items := make([]*item, 9)
	for i := range items {
		items[i] = &item{n: i}
	}
	go func() { time.Sleep(100 * time.Millisecond); close(r.release) }()
	for i, err := range doAll(c, items) {
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
	var all []int
	biggest := 0
	for _, b := range r.batches {
		if len(b) > 4 {
			t.Fatalf("batch of %d over Max 4: %v", len(b), r.batches)
		}
		biggest = max(biggest, len(b))
		all = append(all, b...)
	}
	slices.Sort(all)
	if !slices.Equal(all, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}) || biggest < 2 {
		t.Fatalf("every item once, in batches of several: %v", r.batches)
	}
}

func TestCombinerFailedBatchRetriesEachAlone(t *testing.T) {
	r := &recorder{release: make(chan struct{})}
	c := &db.Combiner[*item]{Max: 16, Write: r.write}
	items := []*item{{n: 0}, {n: 1, bad: true}, {n: 2}, {n: 3, panics: true}, {n: 4}}
	go func() { time.Sleep(100 * time.Millisecond); close(r.release) }()
	errs := doAll(c, items)
	for i, err := range errs {
		switch {
		case i == 1 && (err == nil || err.Error() != "item 1 is bad"):
			t.Errorf("bad item: %v", err)
		case i == 3 && (err == nil || !strings.Contains(err.Error(), "panicked: boom")):
			t.Errorf("panicking item: %v", err)
		case i != 1 && i != 3 && err != nil:
			t.Errorf("good item %d failed with its batch: %v", i, err)
		}
	}
	alone := 0
	for _, b := range r.batches {
		if len(b) == 1 {
			alone++
		}
	}
	if alone < 4 {
		t.Fatalf("a failed batch's items are written one by one: %v", r.batches)
	}
}

// Inside a caller's transaction the item is written alone and at once, in
// that transaction: it rolls back with it.
func TestCombinerJoinsCallersTransaction(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		count := itemsTable(t, d)
		c := &db.Combiner[int]{Max: 8, Write: func(ctx context.Context, ns []int) error {
			return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				for _, n := range ns {
					if err := insert(ctx, tx, n, "combined"); err != nil {
						return err
					}
				}
				return nil
			})
		}}
		err := d.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
			if err := c.Do(ctx, 1); err != nil {
				return err
			}
			return errors.New("caller fails after the write")
		})
		if err == nil || count() != 0 {
			t.Fatalf("the combined write must roll back with its caller: err %v, rows %d", err, count())
		}
		if err := c.Do(context.Background(), 2); err != nil || count() != 1 {
			t.Fatalf("alone: err %v, rows %d", err, count())
		}
	})
}
