package importer

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func gb18030(t testing.TB, s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// XLSX builds a workbook with rows on its first sheet.
func XLSX(t testing.TB, rows [][]any) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const sample = "姓名,公司,手机,邮箱\n张三,（上海）某某有限公司,13800138000,zs@example.com\n李四,=1+1,13900139000,\n"

func TestInspect(t *testing.T) {
	for _, tc := range []struct {
		name           string
		data           []byte
		format, enc    string
		header0, cell0 string
		rows           int
	}{
		{"utf-8", []byte(sample), FormatCSV, EncodingUTF8, "姓名", "张三", 2},
		{"utf-8 bom", append([]byte("\xEF\xBB\xBF"), sample...), FormatCSV, EncodingUTF8, "姓名", "张三", 2},
		{"gb18030", gb18030(t, sample), FormatCSV, EncodingGB18030, "姓名", "张三", 2},
		{"crlf and blank rows", []byte("name,phone\r\n\r\nAnn,123\r\n,\r\nBob,456\r\n"), FormatCSV, EncodingUTF8, "name", "Ann", 2},
		{"tabs", []byte("name\tphone\nAnn\t123\n"), FormatCSV, EncodingUTF8, "name", "Ann", 1},
		{"xlsx", XLSX(t, [][]any{{"姓名", "手机"}, {"王五", "13700137000"}, {"赵六", 13600136000}}), FormatXLSX, "", "姓名", "王五", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Inspect(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if in.Format != tc.format || in.Encoding != tc.enc || in.Header[0] != tc.header0 || in.Preview[0][0] != tc.cell0 || in.DataRows != tc.rows {
				t.Fatalf("got %+v", in)
			}
		})
	}
}

func TestInspectRefusesBadFiles(t *testing.T) {
	good := XLSX(t, [][]any{{"姓名"}, {"王五"}})
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "empty"},
		{"only spaces", " \n\n", "empty"},
		{"header only", "姓名,手机\n", "no data rows"},
		{"binary", "\x00\x01\x02garbage\xff\xfe", "binary"},
		{"truncated xlsx", string(good[:len(good)/2]), "XLSX"},
		{"zip garbage", "PK\x03\x04garbage", "XLSX"},
		{"control chars in header", "na\x01me,phone\nAnn,1\n", "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Inspect(bytes.NewReader([]byte(tc.data)))
			var bf *BadFileError
			if !errors.As(err, &bf) || !strings.Contains(bf.Msg, tc.want) {
				t.Fatalf("got %v, want a bad file naming %q", err, tc.want)
			}
		})
	}
}

func TestValidUTF8AcrossReads(t *testing.T) {
	// A rune split across two reads is still valid.
	s := strings.Repeat("中", 40000)
	ok, err := validUTF8(io.MultiReader(strings.NewReader(s[:5]), strings.NewReader(s[5:])))
	if err != nil || !ok {
		t.Fatalf("valid text: %v %v", ok, err)
	}
	ok, err = validUTF8(strings.NewReader(s + "\xff"))
	if err != nil || ok {
		t.Fatalf("invalid text: %v %v", ok, err)
	}
}

func TestSuggestMapping(t *testing.T) {
	got := SuggestMapping([]string{"联系人", "公司名称", "手机号", "电话", "E-mail", "微信", "来源", "地区", "行业", "备注", "其他"})
	want := map[string]string{"0": "contact_name", "1": "company", "2": "phone", "4": "email", "5": "wechat", "6": "source",
		"7": "region", "8": "industry", "9": "notes"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if m := SuggestMapping([]string{"Name", "Company", "Phone", "Email"}); m["0"] != "contact_name" || m["3"] != "email" {
		t.Fatalf("english: %v", m)
	}
}

func TestResolveMapping(t *testing.T) {
	h := []string{"姓名", "手机", "手机"}
	if cols, err := resolveMapping(h, map[string]string{"姓名": "contact_name", "1": "phone", "2": ""}); err != nil || cols[fContactName] != 0 || cols[fPhone] != 1 {
		t.Fatalf("%v %v", cols, err)
	}
	for _, bad := range []map[string]string{
		nil, {"1": "phone"}, {"0": "contact_name", "9": "phone"}, {"0": "contact_name", "手机": "phone"},
		{"0": "contact_name", "1": "nope"}, {"0": "contact_name", "1": "phone", "2": "phone"}, {"-1": "contact_name"},
	} {
		if _, err := resolveMapping(h, bad); err == nil {
			t.Fatalf("mapping %v accepted", bad)
		}
	}
}

func TestCheckCell(t *testing.T) {
	f := &fields[fCompany]
	if v, ce := checkCell(f, "  =HYPERLINK(\"x\")  "); ce != nil || v != `=HYPERLINK("x")` {
		t.Fatalf("formula-like cell: %q %v", v, ce)
	}
	if _, ce := checkCell(&fields[fContactName], " "); ce == nil {
		t.Fatal("blank name accepted")
	}
	if _, ce := checkCell(&fields[fEmail], "not-an-email"); ce == nil {
		t.Fatal("bad email accepted")
	}
	if _, ce := checkCell(&fields[fContactName], strings.Repeat("长", 61)); ce == nil {
		t.Fatal("overlong name accepted")
	}
	if _, ce := checkCell(&fields[fNotes], "a\nb"); ce != nil {
		t.Fatal("multiline notes refused")
	}
	if _, ce := checkCell(f, "a\x07b"); ce == nil {
		t.Fatal("control character accepted")
	}
}

// FuzzParse: whatever the bytes, inspecting and reading a file never
// panics, and a refusal is a BadFileError.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add(gb18030(f, sample))
	f.Add([]byte("\xEF\xBB\xBFa,\"b\nc\",\"d\"\"\n"))
	f.Add([]byte("a\"b,c\n\"unterminated"))
	f.Add([]byte("PK\x03\x04\x14\x00"))
	f.Add(XLSX(f, [][]any{{"姓名"}, {"王五"}}))
	f.Add([]byte("\x81\x30\x81\x30,\xfe\xff\n1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Inspect(bytes.NewReader(data))
		if err != nil {
			var bf *BadFileError
			if !errors.As(err, &bf) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		rows, err := OpenRows(bytes.NewReader(data), in.Format, in.Encoding)
		if err != nil {
			return
		}
		defer rows.Close()
		for {
			rec, err := rows.Next()
			if err != nil {
				break
			}
			for _, c := range rec {
				_, _ = checkCell(&fields[fPhone], c)
			}
		}
	})
}
