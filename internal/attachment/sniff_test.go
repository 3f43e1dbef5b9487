package attachment

import (
	"bytes"
	"mime"
	"testing"
)

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name, data, want string
	}{
		{"a.pdf", "%PDF-1.7\n...", "application/pdf"},
		{"a.txt", "hello 你好", "text/plain; charset=utf-8"},
		{"a.csv", "a,b\n1,2\n", "text/csv; charset=utf-8"},
		{"a.csv", "\xd5\xc5\xc8\xfd,13800001111\n", "text/csv"}, // GB18030: no charset claimed
		{"a.pdf", "<html><script>alert(1)</script>", ""},
		{"a.txt", "\xef\xbb\xbf  <!DOCTYPE html>", ""},
		{"a.txt", "<svg onload=alert(1)>", ""},
		{"a.exe", "MZ\x90\x00\x03\x00\x00\x00\x04\x00", ""},
	} {
		got, err := Sniff(c.name, bytes.NewReader([]byte(c.data)), int64(len(c.data)))
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("%s %q: %q, %v; want %q", c.name, c.data, got, err, c.want)
		}
	}
}

func TestDispositionRoundTrips(t *testing.T) {
	for _, name := range []string{"报价单（最终版） 2026.pdf", `a"b;c%d.txt`, "plain.csv"} {
		d, params, err := mime.ParseMediaType(Disposition(name))
		if err != nil || d != "attachment" || params["filename"] != name {
			t.Errorf("%q: %q %v %v", name, Disposition(name), params, err)
		}
	}
	if got := cleanName(`C:\Users\张三\..\报价.pdf`); got != "报价.pdf" {
		t.Errorf("cleanName: %q", got)
	}
}
