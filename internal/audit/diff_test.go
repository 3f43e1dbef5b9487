package audit

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

type rec struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Secret    string     `json:"secret" audit:"-"`
	Hidden    string     `json:"-"`
	NoTag     string     // unnamed fields are not part of the API shape
	Version   int64      `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at,omitempty"`
	Amount    *int64     `json:"amount,omitempty"`
	Due       *time.Time `json:"due_at"`
	Closed    time.Time  `json:"closed_at"`
	Tags      []string   `json:"tags"`
	Active    bool       `json:"active"`
	private   string
}

func fields(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Field)
	}
	return out
}

func find(t *testing.T, cs []Change, field string) Change {
	t.Helper()
	for _, c := range cs {
		if c.Field == field {
			return c
		}
	}
	t.Fatalf("no change for %q in %v", field, fields(cs))
	return Change{}
}

func i64(v int64) *int64 { return &v }

func base() rec {
	return rec{
		ID: "r1", Name: "旧名称", Secret: "s1", Hidden: "h1", NoTag: "n1", Version: 1,
		CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
		Closed: time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC), Tags: []string{"a"}, private: "p1",
	}
}

func TestDiffUpdate(t *testing.T) {
	old := base()
	new := old
	new.Name = "新名称"
	new.Secret = "s2"
	new.Hidden = "h2"
	new.NoTag = "n2"
	new.Version = 2
	new.CreatedAt = new.CreatedAt.Add(time.Hour)
	new.UpdatedAt = time.Now()
	new.private = "p2"
	new.Amount = i64(12345)
	due := time.Date(2024, 6, 30, 18, 30, 0, 0, time.FixedZone("CST", 8*3600))
	new.Due = &due
	new.Closed = time.Date(2024, 3, 2, 9, 15, 30, 500, time.UTC)
	new.Tags = []string{"a", "b"}
	new.Active = true

	cs := Diff(&old, &new)
	if got, want := fields(cs), []string{"name", "amount", "due_at", "closed_at", "tags", "active"}; !slices.Equal(got, want) {
		t.Fatalf("changed fields %q, want %q", got, want)
	}
	if c := find(t, cs, "name"); c.Old != "旧名称" || c.New != "新名称" {
		t.Errorf("name: %+v", c)
	}
	if c := find(t, cs, "amount"); c.Old != nil || c.New != int64(12345) {
		t.Errorf("amount nil→value: %#v", c)
	}
	c := find(t, cs, "due_at")
	if c.Old != nil {
		t.Errorf("due_at old %#v, want nil", c.Old)
	}
	s, ok := c.New.(string)
	if !ok {
		t.Fatalf("due_at new is %T, want an RFC 3339 string", c.New)
	}
	if parsed, err := time.Parse(time.RFC3339, s); err != nil || !parsed.Equal(due) || s != "2024-06-30T10:30:00Z" {
		t.Errorf("due_at %q (%v), want 2024-06-30T10:30:00Z", s, err)
	}
	c = find(t, cs, "closed_at")
	if c.Old != "2024-03-01T08:00:00Z" || c.New != "2024-03-02T09:15:30.0000005Z" {
		t.Errorf("closed_at %#v", c)
	}
	if c := find(t, cs, "tags"); !reflect.DeepEqual(c.Old, []string{"a"}) || !reflect.DeepEqual(c.New, []string{"a", "b"}) {
		t.Errorf("tags %#v", c)
	}

	// value → nil for a pointer, and back
	cs = Diff(&new, &old)
	if c := find(t, cs, "amount"); c.Old != int64(12345) || c.New != nil {
		t.Errorf("amount value→nil: %#v", c)
	}

	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"s1", "s2", "h1", "h2", "n1", "n2", "p1", "p2", "secret", "version", "created_at", "updated_at"} {
		if slices.Contains(fields(cs), leak) || jsonHas(b, leak) {
			t.Errorf("diff mentions %q: %s", leak, b)
		}
	}
}

func jsonHas(b []byte, s string) bool { return strings.Contains(string(b), `"`+s+`"`) }

func TestDiffNoChange(t *testing.T) {
	old := base()
	new := old
	new.Tags = slices.Clone(old.Tags)
	new.Version, new.UpdatedAt, new.Secret = 9, time.Now(), "rotated"
	// The same instant in another zone is no change.
	new.Closed = old.Closed.In(time.FixedZone("CST", 8*3600))
	a := int64(5)
	old.Amount, new.Amount = &a, i64(5)
	if cs := Diff(&old, &new); len(cs) != 0 {
		t.Fatalf("no change, got %+v", cs)
	}
	if cs := Diff(old, new); len(cs) != 0 {
		t.Fatalf("no change (values), got %+v", cs)
	}
}

func TestDiffCreateDelete(t *testing.T) {
	r := base()
	r.Amount = i64(7)
	wantFields := []string{"id", "name", "amount", "closed_at", "tags", "active"}

	create := Diff(nil, &r)
	if !slices.Equal(fields(create), wantFields) {
		t.Fatalf("create fields %q, want %q", fields(create), wantFields)
	}
	for _, c := range create {
		if c.Old != nil {
			t.Errorf("create: %s old %#v", c.Field, c.Old)
		}
	}
	if c := find(t, create, "amount"); c.New != int64(7) {
		t.Errorf("create amount %#v", c.New)
	}
	if c := find(t, create, "closed_at"); c.New != "2024-03-01T08:00:00Z" {
		t.Errorf("create closed_at %#v", c.New)
	}
	if got := Diff((*rec)(nil), &r); !slices.Equal(fields(got), wantFields) {
		t.Errorf("typed nil old: %q", fields(got))
	}

	del := Diff(&r, nil)
	if !slices.Equal(fields(del), wantFields) {
		t.Fatalf("delete fields %q", fields(del))
	}
	for _, c := range del {
		if c.New != nil {
			t.Errorf("delete: %s new %#v", c.Field, c.New)
		}
	}
	if c := find(t, del, "name"); c.Old != "旧名称" {
		t.Errorf("delete name %#v", c.Old)
	}
	if Diff(nil, nil) != nil || Diff((*rec)(nil), (*rec)(nil)) != nil {
		t.Error("Diff(nil, nil) is not empty")
	}
}

// A create or delete leaves out empty text (no news) but keeps a false
// flag; an update still records text emptied.
func TestDiffCreateLeavesOutEmptyText(t *testing.T) {
	r := base()
	r.Name = ""
	if got := fields(Diff(nil, &r)); slices.Contains(got, "name") || !slices.Contains(got, "active") {
		t.Fatalf("create fields %q: want no name, want active", got)
	}
	if got := fields(Diff(&r, nil)); slices.Contains(got, "name") || !slices.Contains(got, "active") {
		t.Fatalf("delete fields %q: want no name, want active", got)
	}
	old := base()
	if c := find(t, Diff(&old, &r), "name"); c.Old != "旧名称" || c.New != "" {
		t.Fatalf("update emptying name: %+v", c)
	}
}
