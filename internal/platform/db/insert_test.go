package db_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/platform/db"
)

type jsonRow struct {
	bun.BaseModel `bun:"table:json_rows"`
	ID            string     `bun:"id,pk"`
	Name          string     `bun:"name"`
	Note          *string    `bun:"note"`
	Count         int        `bun:"count"`
	Big           int64      `bun:"big"`
	On            bool       `bun:"on"`
	At            time.Time  `bun:"at"`
	Due           *time.Time `bun:"due"`
	Shown         string     `bun:"shown,scanonly"`
}

var jsonRows = db.NewHotInsert((*jsonRow)(nil))

// AppendJSON writes a row as PostgreSQL's json_populate_recordset reads it:
// keyed by column, text escaped, nil pointers left out (read as NULL), times
// in UTC to the microsecond, scan-only columns left out.
func TestAppendJSON(t *testing.T) {
	at := time.Date(2026, 11, 23, 8, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	row := &jsonRow{ID: "r1", Name: "锦程 \"引号\" \\ 换行\n\t\x01 end", Count: -3, Big: 1 << 40, On: true, At: at, Shown: "x"}
	b := jsonRows.AppendJSON([]byte("["), row)
	var got []map[string]any
	if err := json.Unmarshal(append(b, ']'), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	want := map[string]any{"id": "r1", "name": row.Name, "count": -3.0, "big": float64(1 << 40), "on": true,
		"at": "2026-11-23T00:30:00.123456Z"}
	if len(got[0]) != len(want) {
		t.Fatalf("columns %v, want %v", got[0], want)
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("%s: %#v, want %#v", k, got[0][k], v)
		}
	}
}
