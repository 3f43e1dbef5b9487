package db

import (
	"database/sql"
	"errors"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

// NotFound turns "no rows" into the domain's not-found error for what.
func NotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// Versioned checks the outcome of an UPDATE ... WHERE version = ?: no row
// affected means someone else changed the record first.
func Versioned(res sql.Result, err error, what string, version int64) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.Stale(what, version+1)
	}
	return nil
}

// CheckVersion refuses a write based on a version other than the current one.
func CheckVersion(what string, current, want int64) error {
	if current != want {
		return apperr.Stale(what, current)
	}
	return nil
}
