// Package apperr holds the domain errors that services return and the HTTP
// layer turns into problem responses, so stores and services never speak HTTP.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error.
type Kind int

const (
	KindNotFound Kind = iota + 1
	KindInvalid
	KindConflict
	KindStale
	KindForbidden
	KindTooMany
)

// Error is a domain error with an optional field it is about.
type Error struct {
	Kind    Kind
	Message string
	Field   string // dotted location such as "body.email", "" when not about one field
	Value   any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// NotFound: the record does not exist or is outside the caller's scope.
func NotFound(what string) error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// Invalid: a field's value is unacceptable.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflict: the change conflicts with the record's current state.
func Conflict(format string, args ...any) error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf(format, args...)}
}

// ConflictField: a conflict caused by one field (a duplicate email, say).
func ConflictField(field, format string, args ...any) error {
	return &Error{Kind: KindConflict, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Stale: the caller's version is not the record's current version.
func Stale(what string, current int64) error {
	return &Error{Kind: KindStale, Message: fmt.Sprintf("%s was changed by someone else (now version %d); reload and try again", what, current), Field: "header.If-Match"}
}

// Forbidden: the caller may not do this.
func Forbidden(format string, args ...any) error {
	return &Error{Kind: KindForbidden, Message: fmt.Sprintf(format, args...)}
}

// As returns the domain error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err is a domain error of kind k.
func Is(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}
