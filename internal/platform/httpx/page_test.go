package httpx

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// wantInvalid checks err is a KindInvalid domain error about field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error about %s, got nil", field)
	}
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("want an apperr.Error, got %T: %v", err, err)
	}
	if e.Kind != apperr.KindInvalid || e.Field != field {
		t.Fatalf("want Invalid about %q, got kind %d field %q (%v)", field, e.Kind, e.Field, err)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	cases := []struct {
		sort string
		keys []string
	}{
		{"-id", []string{"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}},
		{"name", []string{"张三", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}},
		{"-amount,due_at,id", []string{"123450", "2024-02-29T23:59:59.999999999Z", "x"}},
		{"path", []string{"/a/b/c/"}},
		{"name", []string{"", ""}},
		{"weird", []string{`quote " backslash \ slash / comma , <b>&amp;`, "\u2028\x00\ttab", "emoji 🚀"}},
		{"", []string{"k"}},
	}
	for _, c := range cases {
		enc := EncodeCursor(c.sort, c.keys...)
		if enc == "" {
			t.Fatalf("EncodeCursor(%q, %q) is empty", c.sort, c.keys)
		}
		if strings.ContainsAny(enc, "+/= \n") {
			t.Errorf("cursor %q is not URL-safe unpadded base64", enc)
		}
		got, err := DecodeCursor(enc, c.sort, len(c.keys))
		if err != nil {
			t.Fatalf("DecodeCursor(EncodeCursor(%q, %q)): %v", c.sort, c.keys, err)
		}
		if !slices.Equal(got, c.keys) {
			t.Errorf("round trip of %q: got %q", c.keys, got)
		}
		// Another sort, or another key count, is refused.
		_, err = DecodeCursor(enc, c.sort+"x", len(c.keys))
		wantInvalid(t, err, "query.cursor")
		_, err = DecodeCursor(enc, c.sort, len(c.keys)+1)
		wantInvalid(t, err, "query.cursor")
	}
}

func TestCursorEmptyIsFirstPage(t *testing.T) {
	keys, err := DecodeCursor("", "-id", 1)
	if err != nil || keys != nil {
		t.Fatalf("empty cursor: got %q, %v; want nil, nil", keys, err)
	}
}

func TestCursorWrongSort(t *testing.T) {
	enc := EncodeCursor("name", "Alice", "id1")
	_, err := DecodeCursor(enc, "-name", 2)
	wantInvalid(t, err, "query.cursor")
	if !strings.Contains(err.Error(), `"name"`) || !strings.Contains(err.Error(), `"-name"`) {
		t.Errorf("message should name both sorts: %v", err)
	}
}

func TestCursorMalformed(t *testing.T) {
	valid := EncodeCursor("-id", "abc")
	long := EncodeCursor("-id", strings.Repeat("a", 1600))
	if len(long) <= maxCursor {
		t.Fatalf("test setup: want a cursor over maxCursor chars, got %d", len(long))
	}
	cases := map[string]string{
		"not base64":                   "!!!not*base64!!!",
		"std base64 with pad":          base64.StdEncoding.EncodeToString([]byte(`{"s":"-id","k":["abc"]}`)) + "==",
		"space inside":                 valid[:4] + " " + valid[4:],
		"not json":                     b64("hello world"),
		"json array":                   b64(`["-id",["abc"]]`),
		"json string":                  b64(`"-id"`),
		"json null":                    b64(`null`),
		"json number keys":             b64(`{"s":"-id","k":[1]}`),
		"keys not a list":              b64(`{"s":"-id","k":"abc"}`),
		"extra field":                  b64(`{"s":"-id","k":["abc"],"x":1}`),
		"trailing object":              b64(`{"s":"-id","k":["abc"]}{"s":"-id","k":["abc"]}`),
		"trailing garbage":             b64(`{"s":"-id","k":["abc"]}garbage`),
		"trailing brace":               b64(`{"s":"-id","k":["abc"]}}`),
		"trailing bracket":             b64(`{"s":"-id","k":["abc"]}]`),
		"truncated json":               b64(`{"s":"-id","k":["abc"`),
		"truncated base64":             valid[:len(valid)-3],
		"too few keys":                 b64(`{"s":"-id","k":[]}`),
		"too many keys":                b64(`{"s":"-id","k":["a","b"]}`),
		"missing keys":                 b64(`{"s":"-id"}`),
		"over maxCursor chars":         long,
		"over maxCursor chars garbage": strings.Repeat("A", 10000),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			keys, err := DecodeCursor(s, "-id", 1)
			if err == nil {
				t.Fatalf("DecodeCursor(%q) = %q, want an error", s, keys)
			}
			wantInvalid(t, err, "query.cursor")
			if keys != nil {
				t.Errorf("keys on error: %q", keys)
			}
		})
	}
}

// Every cursor EncodeCursor makes for data the API accepts must decode again,
// or the next page of the list cannot be fetched.
func TestCursorEncodedAlwaysDecodes(t *testing.T) {
	const uuid = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	// Department paths are "/" + one id per level + "/" and are the key of
	// the department list; nothing limits the depth of the tree.
	path := "/" + strings.Repeat(uuid+"/", 10)
	cases := []struct {
		name, sort string
		keys       []string
	}{
		{"department path, 10 levels", "path", []string{path}},
		// User names may be 60 characters; json escapes <, > and & to 6 bytes.
		{"user name of 60 '&'", "name", []string{strings.Repeat("&", 60), uuid}},
		{"user name of 60 emoji", "name", []string{strings.Repeat("🚀", 60), uuid}},
	}
	for _, c := range cases {
		enc := EncodeCursor(c.sort, c.keys...)
		if _, err := DecodeCursor(enc, c.sort, len(c.keys)); err != nil {
			t.Errorf("%s: EncodeCursor made a %d-char cursor that DecodeCursor refuses: %v", c.name, len(enc), err)
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor("-id", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), "-id", 1)
	f.Add(EncodeCursor("name", "张三", "id"), "name", 2)
	f.Add(EncodeCursor("name", "张三", "id"), "-name", 2)
	f.Add(EncodeCursor("x"), "x", 0)
	f.Add(b64(`{"s":"-id","k":["a"]}}`), "-id", 1)
	f.Add(b64(`{"s":"-id","k":["a"],"x":1}`), "-id", 1)
	f.Add(b64(`{"S":"-id","K":["a"]}`), "-id", 1)
	f.Add(b64(`{"s":"-id","k":["\u003c\ud800"]}`), "-id", 1)
	f.Add(b64(`{"s":"-id","k":null}`), "-id", 0)
	f.Add("!!!", "-id", 1)
	f.Add("", "-id", 1)
	f.Add(strings.Repeat("e30", 200), "", 0)
	f.Fuzz(func(t *testing.T, s, sort string, n int) {
		keys, err := DecodeCursor(s, sort, n)
		if err != nil {
			if keys != nil {
				t.Fatalf("keys %q returned with error %v", keys, err)
			}
			if e, ok := apperr.As(err); !ok || e.Field != "query.cursor" || e.Kind != apperr.KindInvalid {
				t.Fatalf("error is not Invalid(query.cursor): %#v", err)
			}
			return
		}
		if s == "" {
			if keys != nil {
				t.Fatalf("empty cursor gave keys %q", keys)
			}
			return
		}
		if len(keys) != n {
			t.Fatalf("asked for %d keys, got %d", n, len(keys))
		}
		again, err := DecodeCursor(EncodeCursor(sort, keys...), sort, n)
		if err != nil {
			t.Fatalf("re-encoded keys %q (sort %q) do not decode: %v", keys, sort, err)
		}
		if !slices.Equal(again, keys) {
			t.Fatalf("re-encoded keys %q decode as %q", keys, again)
		}
	})
}

func TestParseIfMatch(t *testing.T) {
	good := map[string]int64{`"3"`: 3, `3`: 3, `W/"3"`: 3, ` "42" `: 42, `"9223372036854775807"`: 1<<63 - 1}
	for h, want := range good {
		got, err := ParseIfMatch(h)
		if err != nil || got != want {
			t.Errorf("ParseIfMatch(%q) = %d, %v; want %d", h, got, err, want)
		}
	}
	for _, h := range []string{``, `""`, `"0"`, `0`, `"-1"`, `"abc"`, `"*"`, `*`, `"3", "4"`, `"1.5"`, `"9223372036854775808"`, `W/W/"3"`} {
		got, err := ParseIfMatch(h)
		if err == nil {
			t.Errorf("ParseIfMatch(%q) = %d, want an error", h, got)
			continue
		}
		wantInvalid(t, err, "header.If-Match")
	}
}

func TestETag(t *testing.T) {
	if got := ETag(7); got != `"7"` {
		t.Fatalf(`ETag(7) = %s, want "7"`, got)
	}
	for _, v := range []int64{1, 2, 10, 1 << 40} {
		got, err := ParseIfMatch(ETag(v))
		if err != nil || got != v {
			t.Errorf("ParseIfMatch(ETag(%d)) = %d, %v", v, got, err)
		}
	}
}

func TestTrim(t *testing.T) {
	rows := []int{1, 2, 3, 4}
	for _, c := range []struct {
		rows  []int
		limit int
		want  []int
		more  bool
	}{
		{rows, 3, []int{1, 2, 3}, true},
		{rows, 4, rows, false},
		{rows, 10, rows, false},
		{rows[:1], 1, []int{1}, false},
		{nil, 5, nil, false},
		{[]int{}, 5, []int{}, false},
	} {
		got, more := Trim(c.rows, c.limit)
		if !slices.Equal(got, c.want) || more != c.more {
			t.Errorf("Trim(%v, %d) = %v, %v; want %v, %v", c.rows, c.limit, got, more, c.want, c.more)
		}
		if len(got) > c.limit {
			t.Errorf("Trim(%v, %d) kept %d rows", c.rows, c.limit, len(got))
		}
	}
}
