package db

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// HotInsert is a prepared INSERT of every column of a bun model type, for
// rows written on hot paths (a lead create): bun writes the values into the
// SQL text, so each of its inserts is parsed anew while SQLite's write lock
// is held. The columns come from the `bun:"…"` tags; a model with fields it
// does not handle (embedded structs, slices, maps) is refused at start.
type HotInsert struct {
	cols   []string
	rows   []*Hot  // rows[n-1] inserts n rows
	fields [][]int // index paths of the columns, in order
}

// NewHotInsert registers the insert of model's type (a pointer to a bun
// model struct); call it at package initialisation.
func NewHotInsert(model any) *HotInsert { return NewHotInsertRows(model, 1) }

// NewHotInsertRows registers inserts of 1 to max rows of model's type in one
// statement, for writes that are combined (see Combiner).
func NewHotInsertRows(model any, max int) *HotInsert {
	t := reflect.TypeOf(model).Elem()
	var table string
	var cols []string
	hi := &HotInsert{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("bun")
		if f.Name == "BaseModel" {
			table, _, _ = strings.Cut(strings.TrimPrefix(tag, "table:"), ",")
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || name == "" || strings.Contains(opts, "scanonly") {
			continue
		}
		switch k := f.Type.Kind(); {
		case k == reflect.String, k == reflect.Int, k == reflect.Int64, k == reflect.Bool,
			f.Type == reflect.TypeOf(time.Time{}), f.Type == reflect.TypeOf((*time.Time)(nil)), f.Type == reflect.TypeOf((*string)(nil)):
		default:
			panic(fmt.Sprintf("db.NewHotInsert: %s.%s of type %s is not handled", t.Name(), f.Name, f.Type))
		}
		cols = append(cols, name)
		hi.fields = append(hi.fields, f.Index)
	}
	if table == "" {
		panic("db.NewHotInsert: " + t.Name() + " has no bun table tag")
	}
	hi.cols = cols
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for n := 1; n <= max; n++ {
		hi.rows = append(hi.rows, NewHot("INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES "+
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")))
	}
	return hi
}

// InsertHot inserts models (pointers of the registered type) in the
// transaction in ctx, as many rows per statement as registered.
func (d *DB) InsertHot(ctx context.Context, hi *HotInsert, models ...any) error {
	for len(models) > 0 {
		n := min(len(models), len(hi.rows))
		args := make([]any, 0, n*len(hi.fields))
		for _, m := range models[:n] {
			args = d.appendRow(args, hi, reflect.ValueOf(m).Elem())
		}
		if _, err := d.ExecHot(ctx, hi.rows[n-1], args...); err != nil {
			return err
		}
		models = models[n:]
	}
	return nil
}

func (d *DB) appendRow(args []any, hi *HotInsert, v reflect.Value) []any {
	for _, idx := range hi.fields {
		var arg any
		switch x := v.FieldByIndex(idx).Interface().(type) {
		case time.Time:
			arg = d.TimeArg(x)
		case *time.Time:
			if x != nil {
				arg = d.TimeArg(*x)
			}
		case *string:
			if x != nil {
				arg = *x
			}
		default:
			arg = x
		}
		args = append(args, arg)
	}
	return args
}

// Columns are the columns hi inserts, in order.
func (hi *HotInsert) Columns() []string { return hi.cols }

// AppendJSON appends model as a JSON object keyed by column name (nil
// pointers left out: json_populate_recordset reads an absent key as NULL),
// the form json_populate_recordset reads on PostgreSQL: a batch of rows is then
// one argument, and its statement one shape whatever the number of rows
// (with one placeholder per value, each batch size is its own statement,
// and the driver's encoding of hundreds of arguments costs more than this).
func (hi *HotInsert) AppendJSON(buf []byte, model any) []byte {
	v := reflect.ValueOf(model).Elem()
	buf = append(buf, '{')
	first := true
	for i, idx := range hi.fields {
		f := v.FieldByIndex(idx)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue // an absent key reads as NULL
			}
			f = f.Elem()
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(append(append(buf, '"'), hi.cols[i]...), '"', ':')
		switch f.Kind() {
		case reflect.String:
			buf = appendJSONString(buf, f.String())
		case reflect.Bool:
			buf = strconv.AppendBool(buf, f.Bool())
		case reflect.Int, reflect.Int64:
			buf = strconv.AppendInt(buf, f.Int(), 10)
		default: // time.Time, the only struct NewHotInsert lets through
			t := f.Interface().(time.Time).UTC().Truncate(time.Microsecond)
			buf = append(t.AppendFormat(append(buf, '"'), time.RFC3339Nano), '"')
		}
	}
	return append(buf, '}')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	if plainJSON(s) {
		return append(append(buf, s...), '"')
	}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			buf = append(buf, '\\', byte(r))
		case r < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			buf = utf8.AppendRune(buf, r)
		}
	}
	return append(buf, '"')
}

// plainJSON reports whether s goes into a JSON string as it is.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.ValidString(s)
}
