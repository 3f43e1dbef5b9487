package httpx

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

type csAddr struct {
	City  string   `json:"city"`
	Lines []string `json:"lines"`
	Memo  string   `json:"memo" multiline:"true"`
}

type csBody struct {
	Name    string   `json:"name"`
	Tags    []string `json:"tags,omitempty"`
	Note    string   `json:"note,omitempty" multiline:"true"`
	Notes   []string `json:"notes" multiline:"true"`
	Nick    *string  `json:"nick"`
	Addr    *csAddr  `json:"addr"`
	Addrs   []csAddr `json:"addrs"`
	Raw     []byte   `json:"raw"`
	Any     any      `json:"any"`
	NoTag   string
	private string
}

type csInput struct {
	ID    string `path:"id"`
	Q     string `query:"q"`
	Key   string `header:"Idempotency-Key"`
	Limit int    `query:"limit"`
	Body  csBody
}

func locations(errs []error) []string {
	var out []string
	for _, e := range errs {
		var d *huma.ErrorDetail
		if !errors.As(e, &d) {
			out = append(out, "<not an ErrorDetail: "+e.Error()+">")
			continue
		}
		out = append(out, d.Location)
	}
	return out
}

func TestCheckStringsLocations(t *testing.T) {
	bad := []struct {
		name string
		char string
	}{
		{"NUL", "\x00"}, {"ESC", "\x1b"}, {"DEL", "\x7f"}, {"NEL", "\u0085"}, {"C1 CSI", "\u009b"},
		{"RLO", "\u202e"}, {"LRE", "\u202a"}, {"LRI", "\u2066"}, {"PDI", "\u2069"}, {"RLM", "\u200f"},
		{"LSEP", "\u2028"}, {"PSEP", "\u2029"}, {"invalid UTF-8", "\xff"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			v := "evil" + b.char + "txt"
			cases := []struct {
				want string
				set  func(in *csInput)
			}{
				{"path.id", func(in *csInput) { in.ID = v }},
				{"query.q", func(in *csInput) { in.Q = v }},
				{"header.Idempotency-Key", func(in *csInput) { in.Key = v }},
				{"body.name", func(in *csInput) { in.Body.Name = v }},
				{"body.tags[1]", func(in *csInput) { in.Body.Tags = []string{"ok", v} }},
				{"body.nick", func(in *csInput) { in.Body.Nick = &v }},
				{"body.addr.city", func(in *csInput) { in.Body.Addr = &csAddr{City: v} }},
				{"body.addr.lines[0]", func(in *csInput) { in.Body.Addr = &csAddr{Lines: []string{v}} }},
				{"body.addrs[2].city", func(in *csInput) { in.Body.Addrs = []csAddr{{}, {City: "北京"}, {City: v}} }},
				{"body.any", func(in *csInput) { in.Body.Any = v }},
				{"body.NoTag", func(in *csInput) { in.Body.NoTag = v }},
				// multiline fields still refuse everything except tab and line breaks
				{"body.note", func(in *csInput) { in.Body.Note = "line\n" + v }},
				{"body.notes[0]", func(in *csInput) { in.Body.Notes = []string{v} }},
				{"body.addr.memo", func(in *csInput) { in.Body.Addr = &csAddr{Memo: v} }},
			}
			for _, c := range cases {
				in := &csInput{}
				c.set(in)
				errs := CheckStrings(in)
				if got := locations(errs); !slices.Equal(got, []string{c.want}) {
					t.Errorf("%q at %s: got locations %q", v, c.want, got)
					continue
				}
				var d *huma.ErrorDetail
				errors.As(errs[0], &d)
				if val, _ := d.Value.(string); !strings.HasSuffix(val, v) || !strings.Contains(d.Message, "not allowed") {
					t.Errorf("%s: detail %+v", c.want, d)
				}
				// A value (not a pointer) is walked the same way.
				if got := locations(CheckStrings(*in)); !slices.Equal(got, []string{c.want}) {
					t.Errorf("by value, %s: got %q", c.want, got)
				}
			}
		})
	}
}

func TestCheckStringsReportsEveryField(t *testing.T) {
	nick := "a\x1bb"
	in := &csInput{Q: "\x00", Body: csBody{Name: "\u202e", Tags: []string{"\x07", "ok", "\u2066"}, Nick: &nick}}
	want := []string{"query.q", "body.name", "body.tags[0]", "body.tags[2]", "body.nick"}
	if got := locations(CheckStrings(in)); !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// Slices past index 9 get correct multi-digit indexes.
	tags := make([]string, 12)
	tags[11] = "\x00"
	if got := locations(CheckStrings(&csInput{Body: csBody{Tags: tags}})); !slices.Equal(got, []string{"body.tags[11]"}) {
		t.Fatalf("got %q", got)
	}
}

func TestCheckStringsMultiline(t *testing.T) {
	ml := "第一行\n第二行\r\n\t缩进"
	ok := &csInput{Body: csBody{Note: ml, Notes: []string{ml, "x"}, Addr: &csAddr{Memo: ml}}}
	if errs := CheckStrings(ok); len(errs) != 0 {
		t.Fatalf("multiline fields refused tabs/newlines: %q", locations(errs))
	}
	for _, ws := range []string{"\n", "\r", "\t"} {
		in := &csInput{Q: "a" + ws + "b", Body: csBody{Name: "a" + ws + "b", Addr: &csAddr{City: ws, Lines: []string{ws}}}}
		want := []string{"query.q", "body.name", "body.addr.city", "body.addr.lines[0]"}
		if got := locations(CheckStrings(in)); !slices.Equal(got, want) {
			t.Errorf("%q in single-line fields: got %q, want %q", ws, got, want)
		}
	}
}

func TestCheckStringsAcceptsNormalText(t *testing.T) {
	nick := "小王 🚀"
	in := &csInput{
		ID:  "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
		Q:   "北京某某科技有限公司",
		Key: "order-2024-0001",
		Body: csBody{
			Name:  "张三（华北区）：客户“甲”，金额 ¥1,234.50 — O'Brien & Co. <b>",
			Tags:  []string{"重点客户", "VIP", "Ünïcödé", "עברית", "العربية", "日本語", "한국어"},
			Nick:  &nick,
			Addr:  &csAddr{City: "上海", Lines: []string{"浦东新区世纪大道 100 号"}},
			Raw:   []byte{0, 1, 0x1b, 0x7f},
			Any:   42,
			NoTag: "plain",
		},
	}
	in.Body.private = "\x00"
	if errs := CheckStrings(in); len(errs) != 0 {
		t.Fatalf("normal text refused: %v", errs)
	}
	if errs := CheckStrings(nil); len(errs) != 0 {
		t.Fatalf("nil input: %v", errs)
	}
	if errs := CheckStrings((*csInput)(nil)); len(errs) != 0 {
		t.Fatalf("nil pointer input: %v", errs)
	}
}

// forbidden is the rule CheckStrings enforces, restated independently.
func forbidden(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}

type fuzzInput struct {
	Body struct {
		Name string `json:"name"`
	}
}

func FuzzCheckStrings(f *testing.F) {
	for _, s := range []string{"", "张三", "a\x00b", "\u202etxt.exe", "\u2066", "line\nbreak", "tab\t", "\u0085",
		"\u2028", "🚀 ok", "\xff\xfe", "\ufffd", "\u200b", "x\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var in fuzzInput
		in.Body.Name = s
		errs := CheckStrings(&in)
		if len(errs) > 1 {
			t.Fatalf("one field, %d errors", len(errs))
		}
		printable := utf8.ValidString(s)
		hasForbidden := !utf8.ValidString(s)
		for _, r := range s {
			if !unicode.IsPrint(r) || forbidden(r) || r == utf8.RuneError {
				// U+FFFD is refused on purpose: JSON decoding has already turned
				// invalid UTF-8 into it, so it stands for "invalid UTF-8".
				printable = false
			}
			if forbidden(r) {
				hasForbidden = true
			}
		}
		if printable && len(errs) != 0 {
			t.Fatalf("printable %q refused: %v", s, errs[0])
		}
		if hasForbidden && len(errs) == 0 {
			t.Fatalf("%q holds a forbidden character but passed", s)
		}
		if len(errs) == 1 {
			if got := locations(errs); got[0] != "body.name" {
				t.Fatalf("location %q", got[0])
			}
		}
	})
}
