// Package audit records who changed what, when and through which request, in
// the same transaction as the change, and answers history and search queries.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Actions.
const (
	Create = "create"
	Update = "update"
	Delete = "delete"
)

// Change is one field's old and new value.
type Change struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// Entry is one audit record.
type Entry struct {
	bun.BaseModel `bun:"table:audit_log"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	At            time.Time `bun:"at" json:"at"`
	ActorID       string    `bun:"actor_id" json:"actor_id"`
	ActorName     string    `bun:"actor_name" json:"actor_name"`
	RequestID     string    `bun:"request_id" json:"request_id"`
	Action        string    `bun:"action" json:"action" enum:"create,update,delete"`
	ObjectType    string    `bun:"object_type" json:"object_type"`
	ObjectID      string    `bun:"object_id" json:"object_id"`
	ChangesJSON   string    `bun:"changes" json:"-"`
	Changes       []Change  `bun:"-" json:"changes" nullable:"false"`
}

// ErrNoActor means a write was attempted without a principal in the context.
var ErrNoActor = errors.New("audit: no principal in context")

// Record writes one entry for the change of an object, inside tx. Updates
// with no changed field write nothing.
func Record(ctx context.Context, tx bun.IDB, action, objectType, objectID string, changes []Change) error {
	if auth.From(ctx) == nil {
		return ErrNoActor
	}
	if action == Update && len(changes) == 0 {
		return nil
	}
	e, err := NewEntry(ctx, action, objectType, objectID, changes)
	if err != nil {
		return err
	}
	if _, ok := db.InTxOf(ctx); ok {
		return Insert(ctx, e)
	}
	_, err = tx.NewInsert().Model(e).Exec(ctx)
	return err
}

// NewEntry makes the entry Record would write, by the principal and request
// of ctx, for a caller that writes it later (a combined create, with Insert).
func NewEntry(ctx context.Context, action, objectType, objectID string, changes []Change) (*Entry, error) {
	p := auth.From(ctx)
	if p == nil {
		return nil, ErrNoActor
	}
	if changes == nil {
		changes = []Change{}
	}
	b, err := json.Marshal(changes)
	if err != nil {
		return nil, err
	}
	return &Entry{
		ID: ids.New(), TenantID: p.TenantID, At: time.Now().UTC(), ActorID: p.UserID, ActorName: p.UserName,
		RequestID: httpx.RequestID(ctx), Action: action, ObjectType: objectType, ObjectID: objectID, ChangesJSON: string(b),
	}, nil
}

// Insert writes entries in the transaction in ctx. Every write records an
// entry: prepared statements (up to 16 rows each), not SQL parsed anew
// while the write lock is held.
func Insert(ctx context.Context, entries ...*Entry) error {
	d, ok := db.InTxOf(ctx)
	if !ok {
		return errors.New("audit: Insert outside a transaction")
	}
	models := make([]any, len(entries))
	for i, e := range entries {
		models[i] = e
	}
	return d.InsertHot(ctx, insertEntries, models...)
}

var insertEntries = db.NewHotInsertRows((*Entry)(nil), 16)

// Entries is the insert of entries, for a statement that writes them with
// other rows (a combined create on PostgreSQL).
func Entries() *db.HotInsert { return insertEntries }

// Diff lists the fields that differ between old and new, two values of the
// same struct type (either may be nil, for creates and deletes). Fields are
// named by their json tag; fields tagged `audit:"-"` (secrets) and
// bookkeeping fields (version, timestamps) are left out.
//
// A create or delete (one side nil) leaves out empty text fields: they are
// no news (a false flag or a zero amount still is).
func Diff(old, new any) []Change {
	ov, nv := deref(old), deref(new)
	var t reflect.Type
	switch {
	case ov.IsValid():
		t = ov.Type()
	case nv.IsValid():
		t = nv.Type()
	default:
		return nil
	}
	whole := !ov.IsValid() || !nv.IsValid()
	var out []Change
	for _, f := range auditedFields(t) {
		if whole && (ov.IsValid() && emptyText(ov.Field(f.index)) || nv.IsValid() && emptyText(nv.Field(f.index))) {
			continue
		}
		var a, b any
		if ov.IsValid() {
			a = plain(ov.Field(f.index))
		}
		if nv.IsValid() {
			b = plain(nv.Field(f.index))
		}
		if !reflect.DeepEqual(a, b) {
			out = append(out, Change{Field: f.name, Old: a, New: b})
		}
	}
	return out
}

func emptyText(v reflect.Value) bool { return v.Kind() == reflect.String && v.Len() == 0 }

// auditedField is a field Diff compares: its index and json name.
type auditedField struct {
	index int
	name  string
}

var fieldCache sync.Map // reflect.Type → []auditedField

// auditedFields lists t's audited fields once per type: every write diffs
// its record, and reading struct tags is a large part of that.
func auditedFields(t reflect.Type) []auditedField {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]auditedField)
	}
	var fs []auditedField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if !f.IsExported() || name == "" || name == "-" || f.Tag.Get("audit") == "-" || skipField[name] {
			continue
		}
		fs = append(fs, auditedField{index: i, name: name})
	}
	fieldCache.Store(t, fs)
	return fs
}

var skipField = map[string]bool{"version": true, "created_at": true, "updated_at": true}

func deref(v any) reflect.Value {
	if v == nil {
		return reflect.Value{}
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return reflect.Value{}
		}
		rv = rv.Elem()
	}
	return rv
}

// plain turns a field into a JSON-friendly value: nil pointers become nil,
// empty strings stay "", times become RFC 3339 strings.
func plain(v reflect.Value) any {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if t, ok := v.Interface().(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return v.Interface()
}
