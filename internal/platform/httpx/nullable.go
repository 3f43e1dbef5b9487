package httpx

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
)

// Nullable is a patch field that tells three cases apart: absent (Set is
// false: leave the field as it is), JSON null (Set, Value nil: clear it) and
// a value. A plain pointer cannot, since encoding/json leaves it nil for both
// absent and null.
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON is called only when the key is present, null included.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// MarshalJSON writes the value or null (for documents and tests).
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.Value == nil {
		return []byte("null"), nil
	}
	return json.Marshal(*n.Value)
}

// Schema is T's schema, also allowing null (inline, so no schema name is
// taken by the generic type).
func (n *Nullable[T]) Schema(r huma.Registry) *huma.Schema {
	s := *r.Schema(reflect.TypeFor[T](), false, "")
	s.Nullable = true
	return &s
}
