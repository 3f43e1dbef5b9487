package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+86 138": "'+86 138", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x",
		"张三": "张三", "": "", "a=b": "a=b", "'=x": "'=x",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// pages serves rows in pages of size, as a list's keyset pages would.
func pages(rows [][]string, size int) Page {
	return func(_ context.Context, cursor string) ([][]string, string, error) {
		from := 0
		if cursor != "" {
			fmt.Sscan(cursor, &from)
		}
		to := min(from+size, len(rows))
		next := ""
		if to < len(rows) {
			next = fmt.Sprint(to)
		}
		return rows[from:to], next, nil
	}
}

var sample = [][]string{
	{"张三", "星辰科技有限公司", "=HYPERLINK(\"http://x\")"},
	{"李四", "a,\"quoted\"\nline", "+8613800138000"},
	{"王五", "", "@cmd"},
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	n, err := write(context.Background(), &buf, CSV, []string{"姓名", "公司", "手机"}, nil, "0", pages(sample, 2))
	if err != nil || n != 3 {
		t.Fatalf("write: %d rows, %v", n, err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 BOM")
	}
	got, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"姓名", "公司", "手机"}, {"张三", "星辰科技有限公司", "'=HYPERLINK(\"http://x\")"},
		{"李四", "a,\"quoted\"\nline", "'+8613800138000"}, {"王五", "", "'@cmd"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("csv:\n%q\nwant\n%q", got, want)
	}
}

func TestXLSX(t *testing.T) {
	var buf bytes.Buffer
	n, err := write(context.Background(), &buf, XLSX, []string{"姓名", "公司", "手机"}, nil, "0", pages(sample, 1))
	if err != nil || n != 3 {
		t.Fatalf("write: %d rows, %v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[1][2] != "'=HYPERLINK(\"http://x\")" || got[2][2] != "'+8613800138000" || got[3][0] != "王五" {
		t.Fatalf("rows: %q", got)
	}
	// No cell is a formula.
	for r := 1; r <= 4; r++ {
		for c := 1; c <= 3; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			if fm, _ := f.GetCellFormula("Sheet1", cell); fm != "" {
				t.Fatalf("%s is a formula: %q", cell, fm)
			}
		}
	}
}

// A page that fails halfway ends the file and reports the rows written.
func TestPageError(t *testing.T) {
	boom := errors.New("boom")
	page := func(_ context.Context, cursor string) ([][]string, string, error) { return nil, "", boom }
	var buf bytes.Buffer
	n, err := write(context.Background(), &buf, CSV, []string{"a"}, [][]string{{"1"}, {"2"}}, "more", page)
	if !errors.Is(err, boom) || n != 2 || !strings.Contains(buf.String(), "2\n") {
		t.Fatalf("n %d, err %v, body %q", n, err, buf.String())
	}
}

func TestAmount(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1234.56", -1999: "-19.99", 100: "1.00"} {
		if got := Amount(in); got != want {
			t.Errorf("Amount(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestFilters(t *testing.T) {
	type page struct {
		Limit int `query:"limit" default:"50"`
	}
	var in struct {
		Q      string `query:"q"`
		Region string `query:"region"`
		Max    int64  `query:"won_max" default:"-1"`
		Sort   string `query:"sort" default:"-created_at"`
		page
	}
	in.Q, in.Max, in.Sort, in.Limit = "星辰", -1, "name", 50
	got := Filters(&in)
	if len(got) != 2 || got["q"] != "星辰" || got["sort"] != "name" {
		t.Fatalf("filters: %v", got)
	}
}
