package main

import (
	"strings"
	"testing"
)

func TestRunCondensesAndCounts(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"start","Package":"p/a"}`,
		`{"Action":"run","Package":"p/a","Test":"TestOK"}`,
		`{"Action":"output","Package":"p/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}`,
		`{"Action":"output","Package":"p/a","Test":"TestOK","Output":"noise from a passing test\n"}`,
		`{"Action":"pass","Package":"p/a","Test":"TestOK"}`,
		`{"Action":"run","Package":"p/a","Test":"TestBad"}`,
		`{"Action":"output","Package":"p/a","Test":"TestBad","Output":"    a_test.go:9: want 2, got 3\n"}`,
		`{"Action":"fail","Package":"p/a","Test":"TestBad"}`,
		`{"Action":"run","Package":"p/a","Test":"TestSkip"}`,
		`{"Action":"skip","Package":"p/a","Test":"TestSkip"}`,
		`{"Action":"run","Package":"p/a","Test":"TestHang"}`,
		`{"Action":"output","Package":"p/a","Test":"TestHang","Output":"hang detail\n"}`,
		`{"Action":"output","Package":"p/a","Output":"FAIL\n"}`,
		`{"Action":"output","Package":"p/a","Output":"FAIL\tp/a\t0.01s\n"}`,
		`{"Action":"fail","Package":"p/a"}`,
		`{"Action":"build-output","ImportPath":"p/b","Output":"p/b/x.go:1:1: syntax error\n"}`,
		`{"Action":"build-fail","ImportPath":"p/b"}`,
		`{"Action":"output","Package":"p/b","Output":"FAIL\tp/b [build failed]\n"}`,
		`{"Action":"fail","Package":"p/b"}`,
		`{"Action":"output","Package":"p/c","Output":"ok  \tp/c\t0.5s\n"}`,
		`not json at all`,
	}, "\n")
	var out strings.Builder
	c, err := run(strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if c.passed != 1 || c.failed != 2 || c.skipped != 1 || c.failedPkgs != 2 {
		t.Errorf("counts = %+v", c)
	}
	s := out.String()
	for _, want := range []string{"want 2, got 3", "FAIL\tp/a\t0.01s", "--- unfinished: TestHang (p/a)\nhang detail", "syntax error", "ok  \tp/c\t0.5s", "not json at all", "failed tests (2):\n  p/a TestBad\n  p/b (package)", "FAIL\tp/b [build failed]", "\ngo test: 1 passed, 2 failed, 1 skipped\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "noise from a passing test") {
		t.Errorf("passing test output should be dropped:\n%s", s)
	}
	if !strings.HasSuffix(s, "go test: 1 passed, 2 failed, 1 skipped\n") {
		t.Errorf("closing line missing:\n%s", s)
	}
}
