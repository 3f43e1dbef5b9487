package httpx

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
)

// CheckStrings walks a decoded input and reports every string holding a
// control character or an invisible direction override (used to disguise
// names and file types). Fields tagged `multiline:"true"` may hold tabs and
// line breaks.
func CheckStrings(in any) []error {
	var errs []error
	walk(reflect.ValueOf(in), "", false, &errs)
	return errs
}

func walk(v reflect.Value, loc string, multiline bool, errs *[]error) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), loc, multiline, errs)
		}
	case reflect.String:
		if bad := badRune(v.String(), multiline); bad != "" {
			*errs = append(*errs, refusal(loc, bad, v.String()))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // raw bytes
		}
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), loc+"["+itoa(i)+"]", multiline, errs)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := fmt.Sprint(iter.Key().Interface())
			walk(iter.Key(), loc+"."+key, false, errs)
			walk(iter.Value(), loc+"."+key, multiline, errs)
		}
	case reflect.Struct:
		for _, f := range checkedFields(v.Type()) {
			fv := v.Field(f.index)
			if s, ok := text(fv); ok {
				// Most fields are text: the location is spelled out only
				// for a refusal.
				if bad := badRune(s, f.multiline); bad != "" {
					*errs = append(*errs, refusal(f.locIn(loc), bad, s))
				}
				continue
			}
			walk(fv, f.locIn(loc), f.multiline, errs)
		}
	}
}

func refusal(loc, bad, s string) error {
	return &huma.ErrorDetail{Location: loc, Message: "contains " + bad + " which is not allowed", Value: s}
}

// text is the string a string or non-nil *string field holds.
func text(v reflect.Value) (string, bool) {
	switch {
	case v.Kind() == reflect.String:
		return v.String(), true
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.String:
		return v.Elem().String(), true
	}
	return "", false
}

// checkedField is an exported field CheckStrings looks into, with what its
// location in an error is made of.
type checkedField struct {
	index     int
	name      string // json name, or the Go name
	loc       string // "path.x", "query.x", "header.x": the whole location
	body      bool   // named Body: "body" at the top level
	embedded  bool   // embedded without a json name: its fields are the parent's
	multiline bool
}

var checkedCache sync.Map // reflect.Type → []checkedField

// checkedFields reads t's fields and tags once: every request's input is
// checked, and reading struct tags was most of that.
func checkedFields(t reflect.Type) []checkedField {
	if fs, ok := checkedCache.Load(t); ok {
		return fs.([]checkedField)
	}
	var fs []checkedField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		c := checkedField{index: i, name: strings.Split(f.Tag.Get("json"), ",")[0], body: f.Name == "Body",
			embedded: f.Anonymous && f.Tag.Get("json") == "", multiline: f.Tag.Get("multiline") == "true"}
		if c.name == "" {
			c.name = f.Name
		}
		for _, tag := range []string{"path", "query", "header"} {
			if n := f.Tag.Get(tag); n != "" && c.loc == "" {
				c.loc = tag + "." + n
			}
		}
		fs = append(fs, c)
	}
	checkedCache.Store(t, fs)
	return fs
}

// locIn is the field's location inside its parent's.
func (f checkedField) locIn(parent string) string {
	switch {
	case f.embedded:
		return parent
	case f.loc != "":
		return f.loc
	case parent == "" && f.body:
		return "body"
	case parent == "":
		return f.name
	}
	return parent + "." + f.name
}

func badRune(s string, multiline bool) string {
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return "a control character"
		case r == 0x2028 || r == 0x2029:
			return "a line separator"
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c:
			return "a text direction override"
		case r == 0xfffd:
			return "invalid UTF-8"
		}
	}
	return ""
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
