package webform

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestPickLang(t *testing.T) {
	for _, c := range []struct{ url, accept, want string }{
		{"/f/x", "", "zh-CN"},
		{"/f/x", "en-US,en;q=0.9", "en"},
		{"/f/x", "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"},
		{"/f/x", "fr-FR, en;q=0.5, zh;q=0.4", "en"},
		{"/f/x", "de", "zh-CN"},
		{"/f/x?lang=en", "zh-CN", "en"},
		{"/f/x?lang=zh-CN", "en", "zh-CN"},
		{"/f/x", "en;q=bad, zh;q=0.5", "en"},
	} {
		r := httptest.NewRequest("GET", c.url, nil)
		r.Header.Set("Accept-Language", c.accept)
		if got := pickLang(r); got != c.want {
			t.Errorf("%s %q: %s, want %s", c.url, c.accept, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	fields := func(in Submission) []string {
		var out []string
		for _, e := range Validate(&in) {
			out = append(out, e.Field+":"+e.Code)
		}
		return out
	}
	for _, c := range []struct {
		in   Submission
		want []string
	}{
		{Submission{Name: " 张三 ", Phone: "138 0013 8000"}, nil},
		{Submission{Name: "张三", Email: "a@b.cn", Message: "第一行\n第二行\t"}, nil},
		{Submission{Name: "", Email: "a@b.cn"}, []string{"name:required"}},
		{Submission{Name: "张三"}, []string{"phone:contact_required"}},
		{Submission{Name: "张三", Phone: "abc"}, []string{"phone:invalid"}},
		{Submission{Name: "张三", Email: "a@b"}, []string{"email:invalid"}},
		{Submission{Name: "张\x00三", Phone: "1"}, []string{"name:bad_chars"}},
		{Submission{Name: "张三", Phone: "1", Company: "a\nb"}, []string{"company:bad_chars"}},
		{Submission{Name: "张三", Phone: "1", Message: "\u202egpj.exe"}, []string{"message:bad_chars"}},
		{Submission{Name: strings.Repeat("名", 61), Phone: "1"}, []string{"name:too_long"}},
		{Submission{Name: "张三", Phone: "1", Message: strings.Repeat("留", 2001)}, []string{"message:too_long"}},
		{Submission{Name: "x", Email: "\xff@b.cn"}, []string{"email:bad_chars"}},
	} {
		if got := fields(c.in); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.in, got, c.want)
		}
	}
}

func TestNewTokenIsLongAndURLSafe(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if len(tok) != 32 || strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" || seen[tok] {
			t.Fatalf("token %q", tok)
		}
		seen[tok] = true
	}
}
