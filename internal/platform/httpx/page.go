package httpx

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// PageParams are the paging query parameters every list takes.
type PageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Page size."`
	Cursor string `query:"cursor" maxLength:"2048" doc:"Opaque cursor from the previous page's next_cursor."`
}

// Page is the answer of every list.
type Page[T any] struct {
	Items      []T    `json:"items" nullable:"false"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

// cursor is what an opaque cursor carries: the sort it belongs to and the
// sort-key values of the last row of the page.
type cursor struct {
	Sort string   `json:"s"`
	Keys []string `json:"k"`
}

// EncodeCursor makes the opaque cursor that resumes after a row with keys.
func EncodeCursor(sort string, keys ...string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keeps names with & < > short
	_ = enc.Encode(cursor{Sort: sort, Keys: keys})
	return base64.RawURLEncoding.EncodeToString(bytes.TrimRight(buf.Bytes(), "\n"))
}

// maxCursor bounds a cursor; EncodeCursor stays within it for any key the
// lists use (names ≤ 60 runes, department paths of any realistic depth).
const maxCursor = 2048

// DecodeCursor returns the keys of a cursor made for the same sort with n
// keys; a cursor that is malformed, or was made for another sort, is a 400
// naming query.cursor (never a 500, never a silent first page).
func DecodeCursor(s, sort string, n int) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	bad := apperr.Invalid("query.cursor", "is not a cursor this list gave out")
	if len(s) > maxCursor {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursor
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, bad
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return nil, bad // trailing data
	}
	if c.Sort != sort {
		return nil, apperr.Invalid("query.cursor", "was made for sort %q, not %q", c.Sort, sort)
	}
	if len(c.Keys) != n {
		return nil, bad
	}
	return c.Keys, nil
}

// Trim cuts a page fetched with limit+1 rows down to limit and reports
// whether more rows follow.
func Trim[T any](rows []T, limit int) ([]T, bool) {
	if len(rows) > limit {
		return rows[:limit], true
	}
	return rows, false
}

// ParseIfMatch reads the record version from an If-Match header: "3", 3 or W/"3".
func ParseIfMatch(h string) (int64, error) {
	s := strings.TrimSpace(h)
	s = strings.TrimPrefix(s, "W/")
	s = strings.Trim(s, `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 1 {
		return 0, apperr.Invalid("header.If-Match", "must be the record's version as an ETag, like \"3\"")
	}
	return v, nil
}

// ETag renders a version as a strong ETag.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// NewestFirst reads one keyset page of q newest first by idCol (ids are
// time-ordered), resuming behind the cursor's id; idOf gives a row's id for
// the next cursor. A cursor that does not hold an id is a 422.
func NewestFirst[T any](ctx context.Context, q *bun.SelectQuery, idCol string, limit int, cursor string, idOf func(*T) string) (Page[T], error) {
	var page Page[T]
	keys, err := DecodeCursor(cursor, "-id", 1)
	if err != nil {
		return page, err
	}
	if keys != nil {
		if !ids.Valid(keys[0]) {
			return page, apperr.Invalid("query.cursor", "is not a cursor this list gave out")
		}
		q = q.Where("? < ?", bun.Ident(idCol), keys[0])
	}
	var rows []T
	if err := q.OrderExpr("? DESC", bun.Ident(idCol)).Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := Trim(rows, limit)
	page.Items = rows
	if more {
		page.NextCursor = EncodeCursor("-id", idOf(&rows[len(rows)-1]))
	}
	return page, nil
}
