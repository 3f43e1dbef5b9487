// Package ids makes record ids: UUIDv7 strings, so that ids sort by creation
// time and keyset paging by id is stable across instances.
package ids

import (
	"github.com/google/uuid"
)

// New returns a fresh time-ordered id.
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Valid reports whether s has the shape of an id.
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}
