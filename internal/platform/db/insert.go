package db

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// HotInsert is a prepared INSERT of every column of a bun model type, for
// rows written on hot paths (a lead create): bun writes the values into the
// SQL text, so each of its inserts is parsed anew while SQLite's write lock
// is held. The columns come from the `bun:"…"` tags; a model with fields it
// does not handle (embedded structs, slices, maps) is refused at start.
type HotInsert struct {
	hot    *Hot
	fields [][]int // index paths of the columns, in order
}

// NewHotInsert registers the insert of model's type (a pointer to a bun
// model struct); call it at package initialisation.
func NewHotInsert(model any) *HotInsert {
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
	hi.hot = NewHot("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")")
	return hi
}

// InsertHot inserts model (of the registered type) in the transaction in ctx.
func (d *DB) InsertHot(ctx context.Context, hi *HotInsert, model any) error {
	v := reflect.ValueOf(model).Elem()
	args := make([]any, len(hi.fields))
	for i, idx := range hi.fields {
		switch x := v.FieldByIndex(idx).Interface().(type) {
		case time.Time:
			args[i] = d.TimeArg(x)
		case *time.Time:
			if x != nil {
				args[i] = d.TimeArg(*x)
			}
		case *string:
			if x != nil {
				args[i] = *x
			}
		default:
			args[i] = x
		}
	}
	_, err := d.ExecHot(ctx, hi.hot, args...)
	return err
}
