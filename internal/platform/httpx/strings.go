package httpx

import (
	"fmt"
	"reflect"
	"strings"

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
			*errs = append(*errs, &huma.ErrorDetail{Location: loc, Message: "contains " + bad + " which is not allowed", Value: v.String()})
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
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			floc := fieldLoc(loc, f)
			if f.Anonymous && f.Tag.Get("json") == "" {
				floc = loc // embedded structs' fields belong to the parent
			}
			walk(v.Field(i), floc, f.Tag.Get("multiline") == "true", errs)
		}
	}
}

func fieldLoc(parent string, f reflect.StructField) string {
	for _, tag := range []string{"path", "query", "header"} {
		if n := f.Tag.Get(tag); n != "" {
			return tag + "." + n
		}
	}
	if f.Name == "Body" && parent == "" {
		return "body"
	}
	name := strings.Split(f.Tag.Get("json"), ",")[0]
	if name == "" {
		name = f.Name
	}
	if parent == "" {
		return name
	}
	return parent + "." + name
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
