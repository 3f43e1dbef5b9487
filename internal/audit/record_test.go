package audit

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

func auditDB(t *testing.T) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, id := range []string{"t1", "t2"} {
		if _, err := d.Write.ExecContext(ctx, "INSERT INTO tenants (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", id, id, now, now); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestRecordAndSearch(t *testing.T) {
	d := auditDB(t)
	alice := &auth.Principal{TenantID: "t1", UserID: "alice", UserName: "Alice"}
	bob := &auth.Principal{TenantID: "t2", UserID: "bob", UserName: "Bob"}
	ctxA := httpx.WithRequestID(auth.With(context.Background(), alice), "req-a-000001")
	ctxB := auth.With(context.Background(), bob)

	if err := Record(context.Background(), d.Write, Create, "lead", "L1", nil); !errors.Is(err, ErrNoActor) {
		t.Fatalf("no principal: %v", err)
	}
	if err := Record(ctxA, d.Write, Update, "lead", "L1", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		ch := []Change{{Field: "name", Old: fmt.Sprint("n", i), New: fmt.Sprint("n", i+1)}}
		if err := Record(ctxA, d.Write, Update, "lead", "L1", ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := Record(ctxA, d.Write, Create, "customer", "C1", Diff(nil, &struct {
		Name string `json:"name"`
	}{"客户"})); err != nil {
		t.Fatal(err)
	}
	if err := Record(ctxB, d.Write, Delete, "lead", "L1", nil); err != nil {
		t.Fatal(err)
	}

	// All of tenant 1, three per page, newest first, no duplicates or gaps.
	var all []Entry
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		page, err := Search(ctxA, d, Filter{}, 3, cursor)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(all) != 8 {
		t.Fatalf("tenant 1 has %d entries, want 8 (empty updates write nothing, tenant 2 invisible)", len(all))
	}
	for i, e := range all {
		if e.ActorID != "alice" || e.ActorName != "Alice" || e.RequestID != "req-a-000001" || e.TenantID != "t1" {
			t.Errorf("entry %d: %+v", i, e)
		}
		if i > 0 && all[i-1].ID <= e.ID {
			t.Errorf("not newest first: %s before %s", all[i-1].ID, e.ID)
		}
		if e.Changes == nil {
			t.Errorf("entry %d has nil changes", i)
		}
	}
	if all[0].Action != Create || all[0].ObjectType != "customer" || len(all[0].Changes) != 1 || all[0].Changes[0].New != "客户" {
		t.Errorf("newest entry %+v", all[0])
	}
	if all[1].Changes[0].Old != "n6" || all[1].Changes[0].New != "n7" {
		t.Errorf("changes did not round-trip: %+v", all[1].Changes)
	}

	page, err := Search(ctxA, d, Filter{ObjectType: "customer", ObjectID: "C1"}, 50, "")
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("by object: %d, %v", len(page.Items), err)
	}
	page, err = Search(ctxB, d, Filter{}, 50, "")
	if err != nil || len(page.Items) != 1 || page.Items[0].Action != Delete || len(page.Items[0].Changes) != 0 {
		t.Fatalf("tenant 2: %+v, %v", page.Items, err)
	}
	if _, err := Search(ctxA, d, Filter{}, 3, "garbage"); !apperr.Is(err, apperr.KindInvalid) {
		t.Fatalf("bad cursor: %v", err)
	}
}
