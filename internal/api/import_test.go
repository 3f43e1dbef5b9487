package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/rudder-crm/rudder/internal/api"
	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/importer"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// multipartFile builds a multipart body with the file in field "file".
func multipartFile(t testing.TB, name string, data []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func upload(t testing.TB, c *apitest.Client, name string, data []byte, headers ...string) *apitest.Resp {
	body, ct := multipartFile(t, name, data)
	return c.Do("POST", "/api/v1/imports", body, append([]string{"Content-Type", ct}, headers...)...)
}

type importAnswer struct {
	Import struct {
		ID                                                              string
		Status, Format, Encoding                                        string
		Columns                                                         []string
		TotalRows                                                       int `json:"total_rows"`
		ProcessedRows, CreatedRows, UpdatedRows, SkippedRows, ErrorRows int
	}
	Header           []string
	Preview          [][]string
	SuggestedMapping map[string]string `json:"suggested_mapping"`
}

type importJob struct {
	ID, Status, Failure string
	TotalRows           int `json:"total_rows"`
	ProcessedRows       int `json:"processed_rows"`
	CreatedRows         int `json:"created_rows"`
	UpdatedRows         int `json:"updated_rows"`
	SkippedRows         int `json:"skipped_rows"`
	ErrorRows           int `json:"error_rows"`
}

func startImport(t testing.TB, c *apitest.Client, id string, body map[string]any) importJob {
	var j importJob
	c.Do("POST", "/api/v1/imports/"+id+"/start", body).Want(200).JSON(&j)
	return j
}

func xlsxFile(t testing.TB, rows [][]any) []byte {
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

func leadCount(t testing.TB, e *apitest.Env, where string, args ...any) int {
	n, err := e.DB.Read.NewSelect().Table("leads").Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

const importCSV = "姓名,公司,手机,邮箱,来源\n" +
	"导入甲,（上海）导入甲有限公司,13811110001,a@import.test,展会\n" +
	"导入乙,=HYPERLINK(\"http://evil\"),13811110002,b@import.test,官网\n"

func TestImportFormatsAndEncodings(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(strings.NewReplacer("导入", "国标", "import.test", "gb.test").Replace(importCSV)))
		if err != nil {
			t.Fatal(err)
		}
		files := []struct {
			name, format, enc, prefix string
			data                      []byte
		}{
			{"utf8.csv", "csv", "utf-8", "导入", []byte(importCSV)},
			{"bom.csv", "csv", "utf-8", "带签", append([]byte("\xEF\xBB\xBF"), strings.NewReplacer("导入", "带签", "1381111", "1381112", "import.test", "bom.test").Replace(importCSV)...)},
			{"gb.csv", "csv", "gb18030", "国标", []byte(strings.ReplaceAll(string(gb), "1381111", "1381113"))},
			{"book.xlsx", "xlsx", "", "表格", xlsxFile(t, [][]any{{"联系人", "公司名称", "电话", "Email"},
				{"表格甲", "表格公司", 13811140001, "x1@import.test"}, {"表格乙", "", "13811140002", ""}})},
		}
		for _, f := range files {
			var up importAnswer
			upload(t, rep, f.name, f.data).Want(201).JSON(&up)
			if up.Import.Format != f.format || up.Import.Encoding != f.enc || up.Import.Status != "uploaded" || up.Import.TotalRows != 2 {
				t.Fatalf("%s: %+v", f.name, up.Import)
			}
			if len(up.Preview) != 2 || !strings.HasPrefix(up.Preview[0][0], f.prefix) {
				t.Fatalf("%s preview: %q header %q", f.name, up.Preview, up.Header)
			}
			if up.SuggestedMapping["0"] != "contact_name" || up.SuggestedMapping["2"] != "phone" || up.SuggestedMapping["3"] != "email" {
				t.Fatalf("%s suggested mapping: %v (header %q)", f.name, up.SuggestedMapping, up.Header)
			}
			// Nothing is imported before start.
			if n := leadCount(t, e, "contact_name LIKE ?", f.prefix+"%"); n != 0 {
				t.Fatalf("%s: %d leads before start", f.name, n)
			}
			j := startImport(t, rep, up.Import.ID, map[string]any{"mapping": up.SuggestedMapping})
			if j.Status != "done" || j.CreatedRows != 2 || j.ProcessedRows != 2 || j.ErrorRows != 0 {
				t.Fatalf("%s: %+v", f.name, j)
			}
			if n := leadCount(t, e, "contact_name LIKE ?", f.prefix+"%"); n != 2 {
				t.Fatalf("%s: %d leads", f.name, n)
			}
			// Started once only.
			rep.Do("POST", "/api/v1/imports/"+up.Import.ID+"/start", map[string]any{"mapping": up.SuggestedMapping}).Want(409)
		}
		// The formula-like company is stored as text, as typed; keys and owner are set.
		var l struct {
			Company, Phone, Source string
			OwnerID                string `json:"owner_id"`
		}
		var page struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/leads?q=导入乙", nil).Want(200).JSON(&page)
		if len(page.Items) != 1 {
			t.Fatalf("imported lead not listed: %v", page.Items)
		}
		rep.Do("GET", "/api/v1/leads/"+page.Items[0]["id"].(string), nil).Want(200).JSON(&l)
		me := rep.Do("GET", "/api/v1/me", nil).Want(200).Map()["user"].(map[string]any)["id"]
		if l.Company != `=HYPERLINK("http://evil")` || l.Source != "官网" || l.OwnerID != me {
			t.Fatalf("imported lead: %+v", l)
		}
		if n := leadCount(t, e, "phone_key = ? AND company_key = ?", "13811110001", "导入甲"); n != 1 {
			t.Fatalf("dedupe keys not set: %d", n)
		}
		// One audit entry per import, not per row.
		n, err := e.DB.Read.NewSelect().Table("audit_log").Where("object_type = 'import'").Count(context.Background())
		if err != nil || int(n) != len(files) {
			t.Fatalf("audit entries: %d %v", n, err)
		}
	})
}

func TestImportRowErrorsAndReport(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		data := "name,email,phone,company\n" +
			"好人,good@import.test,13822220001,好公司\n" +
			",nobody@import.test,13822220002,\n" + // row 3: no name
			"坏邮箱,not-an-email,13822220003,\n" + // row 4
			strings.Repeat("长", 61) + ",,13822220004,\n" + // row 5: overlong
			"公式,,=1+2,@SUM(A1)\n" + // row 6: the phone is refused; shown neutralised
			"好人二,,13822220006,\n"
		var up importAnswer
		upload(t, rep, "errors.csv", []byte(data)).Want(201).JSON(&up)
		j := startImport(t, rep, up.Import.ID, map[string]any{"mapping": map[string]string{"name": "contact_name", "1": "email", "2": "phone", "company": "company"}})
		if j.CreatedRows != 2 || j.ErrorRows != 4 || j.ProcessedRows != 6 || j.Status != "done" {
			t.Fatalf("%+v", j)
		}
		r := rep.Do("GET", "/api/v1/imports/"+up.Import.ID+"/errors.csv", nil).Want(200)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(r.Body, []byte("\xEF\xBB\xBF")) {
			t.Fatalf("report: %q %q", r.Header.Get("Content-Type"), r.Body[:min(10, len(r.Body))])
		}
		recs, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, rec := range recs[1:] {
			got[rec[0]+":"+rec[1]] = rec[2]
		}
		for _, want := range []string{"3:contact_name", "4:email", "5:contact_name", "6:phone"} {
			if _, ok := got[want]; !ok {
				t.Fatalf("report lacks %s: %v", want, recs)
			}
		}
		if got["6:phone"] != "'=1+2" {
			t.Fatalf("formula not neutralised: %q", got["6:phone"])
		}
		if n := leadCount(t, e, "contact_name IN (?, ?)", "好人", "好人二"); n != 2 {
			t.Fatalf("good rows: %d", n)
		}
		// Bad mappings are refused and the import stays startable.
		for _, m := range []map[string]any{{}, {"mapping": map[string]string{"1": "email"}}, {"mapping": map[string]string{"0": "contact_name", "7": "phone"}},
			{"mapping": map[string]string{"0": "nope"}}} {
			var up2 importAnswer
			upload(t, rep, "again.csv", []byte(data)).Want(201).JSON(&up2)
			rep.Do("POST", "/api/v1/imports/"+up2.Import.ID+"/start", m).Want(422).Problem()
			if s := rep.Do("GET", "/api/v1/imports/"+up2.Import.ID, nil).Want(200).Map()["status"]; s != "uploaded" {
				t.Fatalf("after a refused start: %v", s)
			}
		}
	})
}

func TestImportDuplicatePolicies(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		old := rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "老客户", "phone": "+86 138-3333-0001", "source": "官网"}).Want(201).Map()
		data := "姓名,手机,邮箱,来源\n" +
			"新名字,13833330001,,展会\n" + // matches the existing lead by phone
			"新人,13833330002,dup@import.test,\n" +
			"新人重复,,DUP@import.test,转介绍\n" // matches the row above by email
		mapping := map[string]string{"0": "contact_name", "1": "phone", "2": "email", "3": "source"}
		run := func(policy string) importJob {
			var up importAnswer
			upload(t, rep, policy+".csv", []byte(data)).Want(201).JSON(&up)
			return startImport(t, rep, up.Import.ID, map[string]any{"mapping": mapping, "duplicate_policy": policy})
		}
		if j := run("skip"); j.CreatedRows != 1 || j.SkippedRows != 2 || j.UpdatedRows != 0 {
			t.Fatalf("skip: %+v", j)
		}
		// The second run: every row matches a lead now.
		if j := run("skip"); j.CreatedRows != 0 || j.SkippedRows != 3 {
			t.Fatalf("skip again: %+v", j)
		}
		if j := run("update"); j.CreatedRows != 0 || j.UpdatedRows != 3 {
			t.Fatalf("update: %+v", j)
		}
		got := rep.Do("GET", "/api/v1/leads/"+old["id"].(string), nil).Want(200).Map()
		if got["contact_name"] != "新名字" || got["source"] != "展会" || got["phone"] != "13833330001" || got["version"].(float64) != 2 {
			t.Fatalf("updated lead: %v", got)
		}
		if n := leadCount(t, e, "email_key = ?", "dup@import.test"); n != 1 {
			t.Fatalf("email duplicates: %d", n)
		}
		if j := run("create"); j.CreatedRows != 3 || j.SkippedRows != 0 {
			t.Fatalf("create: %+v", j)
		}
		if n := leadCount(t, e, "phone_key = ?", "13833330001"); n != 2 {
			t.Fatalf("create anyway: %d", n)
		}
		// A lead outside the importer's scope is not updated: the row is an error.
		other := e.Demo("east2.rep1@demo.local")
		other.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "别人的", "phone": "13833339999"}).Want(201)
		var up importAnswer
		upload(t, rep, "scope.csv", []byte("姓名,手机\n抢客户,13833339999\n")).Want(201).JSON(&up)
		if j := startImport(t, rep, up.Import.ID, map[string]any{"mapping": map[string]string{"0": "contact_name", "1": "phone"}, "duplicate_policy": "update"}); j.ErrorRows != 1 || j.UpdatedRows != 0 {
			t.Fatalf("out of scope update: %+v", j)
		}
		if n := leadCount(t, e, "contact_name = ?", "别人的"); n != 1 {
			t.Fatal("another rep's lead was changed")
		}
	})
}

// TestImportDuplicatesAcrossChunks: chunks are written two at a time, and
// a row still finds (and, with "update", changes) what an earlier chunk of
// the same file created or updated, without losing either chunk's change.
func TestImportDuplicatesAcrossChunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := apitest.StartWith(t, d, api.Options{Demo: true, Signup: true, ImportSyncRows: 100_000})
		rep := e.Demo("east1.rep1@demo.local")
		old := rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "跨块老客户", "phone": "13866660000",
			"email": "old@chunks.test", "source": "官网"}).Want(201).Map()
		chunk := importer.ChunkRowsOf(d.Dialect)
		n := 3 * chunk
		// Data row i (0-based) is file row i+2; chunk k holds data rows [k*chunk, (k+1)*chunk).
		special := map[int]string{
			10:            "跨块甲,13866661111,,,",         // chunk 1 creates 跨块甲
			chunk + 10:    "跨块甲改,13866661111,,,转介绍",     // chunk 2: the lead chunk 1 created
			chunk + 20:    "跨块老客户,13866660000,,展会,",     // chunk 2: the old lead by phone
			2*chunk + 20:  "跨块老客户,,old@chunks.test,,制造", // chunk 3: the old lead by email
			2*chunk + 30:  "跨块乙,,b@chunks.test,,",       // chunk 3 creates 跨块乙 …
			2*chunk + 999: "跨块乙改,,B@Chunks.test,,",      // … and a later row of it updates it
		}
		file := func(prefix string) []byte {
			var b strings.Builder
			b.WriteString("姓名,手机,邮箱,来源,行业\n")
			for i := 0; i < n; i++ {
				if s, ok := special[i]; ok {
					b.WriteString(s + "\n")
					continue
				}
				fmt.Fprintf(&b, "%s%d,139%08d,,,\n", prefix, i, i)
			}
			return []byte(b.String())
		}
		mapping := map[string]string{"0": "contact_name", "1": "phone", "2": "email", "3": "source", "4": "industry"}
		var up importAnswer
		upload(t, rep, "chunks.csv", file("块")).Want(201).JSON(&up)
		j := startImport(t, rep, up.Import.ID, map[string]any{"mapping": mapping, "duplicate_policy": "update"})
		if j.Status != "done" || j.ProcessedRows != n || j.CreatedRows != n-4 || j.UpdatedRows != 4 || j.SkippedRows != 0 {
			t.Fatalf("update import: %+v", j)
		}
		got := rep.Do("GET", "/api/v1/leads/"+old["id"].(string), nil).Want(200).Map()
		if got["source"] != "展会" || got["industry"] != "制造" || got["version"].(float64) != 3 {
			t.Fatalf("the old lead lost a chunk's update: %v", got)
		}
		for _, c := range []struct{ where, key, name string }{
			{"phone_key = ?", "13866661111", "跨块甲改"}, {"email_key = ?", "b@chunks.test", "跨块乙改"},
		} {
			if k := leadCount(t, e, c.where, c.key); k != 1 {
				t.Fatalf("%s: %d leads", c.key, k)
			}
			if k := leadCount(t, e, c.where+" AND contact_name = ?", c.key, c.name); k != 1 {
				t.Fatalf("%s was not updated to %s", c.key, c.name)
			}
		}
		// Every chunk's leads are found by search, by the values they ended
		// with: a lead created by one chunk and changed by the next, one
		// created and changed within a chunk, and the last chunk's.
		for q, want := range map[string]int{"块5999": 1, "00005999": 1, "跨块甲改": 1, "跨块乙改": 1} {
			var page struct{ Items []map[string]any }
			rep.Do("GET", "/api/v1/leads?q="+q, nil).Want(200).JSON(&page)
			if len(page.Items) != want {
				t.Fatalf("search %s: %d leads, want %d", q, len(page.Items), want)
			}
		}
		rep2 := reportRows(t, rep, up.Import.ID)
		if note := rep2[fmt.Sprint(chunk+12)]; len(note) != 4 || !strings.Contains(note[2], "跨块甲") || note[3] != "duplicate" {
			t.Fatalf("chunk 2's note on chunk 1's lead: %q", note)
		}
		// Skip: the second file's rows all match the first's leads (by phone), across every chunk.
		upload(t, rep, "again.csv", file("再")).Want(201).JSON(&up)
		j = startImport(t, rep, up.Import.ID, map[string]any{"mapping": mapping, "duplicate_policy": "skip"})
		if j.Status != "done" || j.CreatedRows != 0 || j.SkippedRows != n {
			t.Fatalf("skip import: %+v", j)
		}
		if k := leadCount(t, e, "contact_name LIKE ?", "再%"); k != 0 {
			t.Fatalf("skip created %d leads", k)
		}
	})
}

func TestImportBadFiles(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		good := xlsxFile(t, [][]any{{"姓名"}, {"王五"}})
		before, _ := e.DB.Read.NewSelect().Table("imports").Count(context.Background())
		for _, tc := range []struct{ name, data, want string }{
			{"empty.csv", "", ""},
			{"header.csv", "姓名,手机\n", "no data rows"},
			{"garbage.bin", "\x00\x01\x02\x03garbage\xff", "binary"},
			{"truncated.xlsx", string(good[:len(good)/2]), "XLSX"},
		} {
			r := upload(t, rep, tc.name, []byte(tc.data)).Want(422, 400)
			if p := r.Problem(); !strings.Contains(fmt.Sprint(p), tc.want) {
				t.Fatalf("%s: %+v", tc.name, p)
			}
		}
		// Not multipart, or no file field.
		rep.Do("POST", "/api/v1/imports", map[string]any{}).Want(422)
		if after, _ := e.DB.Read.NewSelect().Table("imports").Count(context.Background()); after != before {
			t.Fatalf("a refused upload wrote an import: %d → %d", before, after)
		}
		// Oversized: refused from its declared length before it is read.
		big := bytes.Repeat([]byte("a,b\n"), (importer.MaxFileBytes+1<<20)/4+1)
		upload(t, rep, "big.csv", big).Want(413)
		// With an Idempotency-Key too.
		upload(t, rep, "big.csv", big, "Idempotency-Key", "big-1").Want(413)
	})
}

func TestImportScopeAndIdempotency(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		var up importAnswer
		upload(t, rep, "mine.csv", []byte("姓名\n幂等\n"), "Idempotency-Key", "imp-1").Want(201).JSON(&up)
		// The same file with the same key replays the first answer (a new
		// multipart boundary does not matter); another file is refused.
		var again importAnswer
		r := upload(t, rep, "mine.csv", []byte("姓名\n幂等\n"), "Idempotency-Key", "imp-1").Want(201)
		r.JSON(&again)
		if again.Import.ID != up.Import.ID || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %s vs %s", again.Import.ID, up.Import.ID)
		}
		upload(t, rep, "mine.csv", []byte("姓名\n别的\n"), "Idempotency-Key", "imp-1").Want(422)
		if n, _ := e.DB.Read.NewSelect().Table("imports").Count(context.Background()); n != 1 {
			t.Fatalf("imports: %d", n)
		}
		path := "/api/v1/imports/" + up.Import.ID
		// Another rep, and another tenant, do not see it; the manager of the department and the admin do.
		e.Demo("east1.rep2@demo.local").Do("GET", path, nil).Want(404)
		e.Demo("east1.rep2@demo.local").Do("POST", path+"/start", map[string]any{"mapping": map[string]string{"0": "contact_name"}}).Want(404)
		e.Demo("east1.manager@demo.local").Do("GET", path, nil).Want(200)
		e.Demo("admin@demo.local").Do("GET", path+"/errors.csv", nil).Want(200)
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家", "name": "外人", "email": "out@imp.test", "password": "outsider password"}).Want(201)
		outsider := e.Login("out@imp.test", "outsider password")
		outsider.Do("GET", path, nil).Want(404)
		outsider.Do("GET", path+"/errors.csv", nil).Want(404)
		// A viewer may not upload.
		e.Demo("finance@demo.local").Do("GET", path, nil).Want(403, 404)
	})
}

func TestImportInBackgroundAndStale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := apitest.StartWith(t, d, api.Options{Demo: true, Signup: true, ImportSyncRows: 2})
		rep := e.Demo("east1.rep1@demo.local")
		var csvData strings.Builder
		csvData.WriteString("姓名,手机\n")
		for i := 0; i < 2500; i++ {
			fmt.Fprintf(&csvData, "后台%d,1384444%04d\n", i, i)
		}
		var up importAnswer
		upload(t, rep, "bg.csv", []byte(csvData.String())).Want(201).JSON(&up)
		var j importJob
		rep.Do("POST", "/api/v1/imports/"+up.Import.ID+"/start", map[string]any{"mapping": map[string]string{"0": "contact_name", "1": "phone"}}).Want(202).JSON(&j)
		if j.Status != "running" || j.TotalRows != 2500 {
			t.Fatalf("started: %+v", j)
		}
		deadline := time.Now().Add(30 * time.Second)
		for j.Status == "running" && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			rep.Do("GET", "/api/v1/imports/"+up.Import.ID, nil).Want(200).JSON(&j)
		}
		if j.Status != "done" || j.CreatedRows != 2500 || j.ProcessedRows != 2500 {
			t.Fatalf("background import: %+v", j)
		}
		// An import whose worker died (no progress for long) reads as failed.
		upload(t, rep, "stale.csv", []byte("姓名\n僵尸\n")).Want(201).JSON(&up)
		if _, err := e.DB.Write.NewUpdate().Table("imports").Set("status = 'running'").
			Set("updated_at = ?", time.Now().UTC().Add(-time.Hour)).Where("id = ?", up.Import.ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		rep.Do("GET", "/api/v1/imports/"+up.Import.ID, nil).Want(200).JSON(&j)
		if j.Status != "failed" || j.Failure == "" {
			t.Fatalf("stale import: %+v", j)
		}
		rep.Do("POST", "/api/v1/imports/"+up.Import.ID+"/start", map[string]any{"mapping": map[string]string{"0": "contact_name"}}).Want(409)
	})
}

// reportRows reads an import's per-row report: row number → [field, value, message, kind].
func reportRows(t testing.TB, c *apitest.Client, id string) map[string][]string {
	r := c.Do("GET", "/api/v1/imports/"+id+"/errors.csv", nil).Want(200)
	recs, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "row,field,value,message,kind" {
		t.Fatalf("report header: %q", recs[0])
	}
	out := map[string][]string{}
	for _, rec := range recs[1:] {
		out[rec[0]] = rec[1:]
	}
	return out
}

func TestImportDuplicatesAgainstCustomers(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		// A customer of the importer matching by its phone, one matching by
		// a contact's email, and another rep's customer matching by company
		// name (its legal suffix and region prefix aside).
		mine := rep.Do("POST", "/api/v1/customers", map[string]any{"name": "查重甲科技有限公司", "phone": "166-5555-0001"}).Want(201).Map()
		withContact := rep.Do("POST", "/api/v1/customers", map[string]any{"name": "查重乙贸易"}).Want(201).Map()
		rep.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": withContact["id"], "name": "乙联系人", "email": "Buyer@Dedupe.test"}).Want(201)
		e.Demo("east2.rep1@demo.local").Do("POST", "/api/v1/customers", map[string]any{"name": "（北京）查重丙集团有限公司"}).Want(201)
		data := "姓名,公司,手机,邮箱\n" +
			"甲,,16655550001,\n" + // row 2: my customer's phone
			"乙,,,buyer@dedupe.test\n" + // row 3: my customer's contact's email
			"丙,查重丙集团,,\n" + // row 4: another rep's customer's company
			"丁,查重丁工作室,16655550004,\n" + // row 5: nothing
			"戊,,16655550004,\n" // row 6: row 5's phone
		mapping := map[string]string{"0": "contact_name", "1": "company", "2": "phone", "3": "email"}
		run := func(policy string) (importJob, map[string][]string) {
			var up importAnswer
			upload(t, rep, policy+".csv", []byte(data)).Want(201).JSON(&up)
			j := startImport(t, rep, up.Import.ID, map[string]any{"mapping": mapping, "duplicate_policy": policy})
			return j, reportRows(t, rep, up.Import.ID)
		}
		j, rep1 := run("skip")
		if j.CreatedRows != 1 || j.SkippedRows != 4 || j.ErrorRows != 0 || j.UpdatedRows != 0 {
			t.Fatalf("skip: %+v", j)
		}
		want := map[string][]string{
			"2": {"phone", "16655550001", "matches customer 查重甲科技有限公司; skipped", "duplicate"},
			"3": {"email", "buyer@dedupe.test", "matches customer 查重乙贸易; skipped", "duplicate"},
			"4": {"company", "查重丙集团", "matches an existing customer; skipped", "duplicate"},
			"6": {"phone", "16655550004", "duplicates row 5 of the file; skipped", "duplicate"},
		}
		for row, w := range want {
			if strings.Join(rep1[row], "|") != strings.Join(w, "|") {
				t.Fatalf("skip report row %s: %q, want %q (all %q)", row, rep1[row], w, rep1)
			}
		}
		if len(rep1) != 4 || leadCount(t, e, "contact_name IN (?, ?, ?)", "甲", "乙", "丙") != 0 {
			t.Fatalf("skip: report %q", rep1)
		}
		// Under update, a row matching only a customer is skipped (a lead
		// import never edits customers); row 5 now matches the lead it created.
		j, rep2 := run("update")
		if j.CreatedRows != 0 || j.SkippedRows != 3 || j.UpdatedRows != 2 {
			t.Fatalf("update: %+v", j)
		}
		if m := rep2["2"][2]; m != "matches customer 查重甲科技有限公司; skipped: a lead import does not change customers" {
			t.Fatalf("update report: %q", rep2)
		}
		if m := rep2["5"]; len(m) != 4 || !strings.HasPrefix(m[2], "matches lead 丁 (") || !strings.HasSuffix(m[2], "; the lead was updated") {
			t.Fatalf("update report row 5: %q", rep2)
		}
		if got := rep.Do("GET", "/api/v1/customers/"+mine["id"].(string), nil).Want(200).Map(); got["version"] != mine["version"] {
			t.Fatalf("the customer was changed: %v", got)
		}
		// Under create, every row is created and the matches are noted.
		j, rep3 := run("create")
		if j.CreatedRows != 5 || j.SkippedRows != 0 {
			t.Fatalf("create: %+v", j)
		}
		if rep3["4"][2] != "matches an existing customer; created anyway" || !strings.HasPrefix(rep3["5"][2], "matches lead 戊") || // row 6 updated it last
			!strings.HasSuffix(rep3["6"][2], "; created anyway") ||
			rep3["2"][2] != "matches customer 查重甲科技有限公司; created anyway" {
			t.Fatalf("create report: %q", rep3)
		}
		if n := leadCount(t, e, "contact_name IN (?, ?, ?)", "甲", "乙", "丙"); n != 3 {
			t.Fatalf("create anyway: %d", n)
		}
		// Nothing in any report names the other rep's customer.
		for _, r := range []map[string][]string{rep1, rep2, rep3} {
			for _, rec := range r {
				if strings.Contains(strings.Join(rec, " "), "北京") || strings.Contains(rec[2], "查重丙集团有限公司") {
					t.Fatalf("out-of-scope customer revealed: %q", rec)
				}
			}
		}
	})
}

func TestImportListAndCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := apitest.StartWith(t, d, api.Options{Demo: true, Signup: true, ImportSyncRows: 2})
		rep := e.Demo("east1.rep1@demo.local")
		var first, second importAnswer
		upload(t, rep, "one.csv", []byte("姓名\n列表一\n")).Want(201).JSON(&first)
		upload(t, rep, "two.csv", []byte("姓名\n列表二\n")).Want(201).JSON(&second)
		e.Demo("east1.rep2@demo.local").Do("POST", "/api/v1/imports", nil).Want(422) // no file: nothing written
		// Newest first, one per page.
		type listPage struct {
			Items []struct {
				ID, Status string
				FileName   string `json:"file_name"`
			}
			NextCursor string `json:"next_cursor"`
		}
		var p1, p2 listPage
		rep.Do("GET", "/api/v1/imports?limit=1", nil).Want(200).JSON(&p1)
		if len(p1.Items) != 1 || p1.Items[0].ID != second.Import.ID || p1.NextCursor == "" {
			t.Fatalf("page 1: %+v", p1)
		}
		rep.Do("GET", "/api/v1/imports?limit=1&cursor="+p1.NextCursor, nil).Want(200).JSON(&p2)
		if len(p2.Items) != 1 || p2.Items[0].ID != first.Import.ID || p2.NextCursor != "" {
			t.Fatalf("page 2: %+v", p2)
		}
		rep.Do("GET", "/api/v1/imports?cursor=bogus", nil).Want(400, 422).Problem().Names("query.cursor")
		// Scope: another rep sees none of them, the department's manager both.
		var other listPage
		e.Demo("east1.rep2@demo.local").Do("GET", "/api/v1/imports", nil).Want(200).JSON(&other)
		if len(other.Items) != 0 {
			t.Fatalf("another rep sees: %+v", other)
		}
		e.Demo("east1.manager@demo.local").Do("GET", "/api/v1/imports?status=uploaded", nil).Want(200).JSON(&other)
		if len(other.Items) != 2 {
			t.Fatalf("manager sees: %+v", other)
		}
		// Only a running import can be cancelled.
		rep.Do("POST", "/api/v1/imports/"+first.Import.ID+"/cancel", nil).Want(409)
		var csvData strings.Builder
		csvData.WriteString("姓名,手机\n")
		const total = 60000
		for i := 0; i < total; i++ {
			fmt.Fprintf(&csvData, "取消%d,1385%07d\n", i, i)
		}
		var up importAnswer
		upload(t, rep, "cancel.csv", []byte(csvData.String())).Want(201).JSON(&up)
		rep.Do("POST", "/api/v1/imports/"+up.Import.ID+"/start", map[string]any{"mapping": map[string]string{"0": "contact_name", "1": "phone"}}).Want(202)
		e.Demo("east1.rep2@demo.local").Do("POST", "/api/v1/imports/"+up.Import.ID+"/cancel", nil).Want(404)
		var j importJob
		rep.Do("POST", "/api/v1/imports/"+up.Import.ID+"/cancel", nil).Want(200).JSON(&j)
		if j.Status != "cancelled" {
			t.Fatalf("cancel: %+v", j)
		}
		rep.Do("POST", "/api/v1/imports/"+up.Import.ID+"/cancel", nil).Want(409)
		// The worker stops after its chunk: the counters then stay put and
		// agree with the leads written, whole chunks only.
		deadline := time.Now().Add(30 * time.Second)
		var fin struct {
			importJob
			FinishedAt *time.Time `json:"finished_at"`
		}
		for {
			time.Sleep(50 * time.Millisecond)
			var a, b importJob
			rep.Do("GET", "/api/v1/imports/"+up.Import.ID, nil).Want(200).JSON(&a)
			time.Sleep(300 * time.Millisecond)
			rep.Do("GET", "/api/v1/imports/"+up.Import.ID, nil).Want(200).JSON(&fin)
			b = fin.importJob
			if a == b || time.Now().After(deadline) {
				break
			}
		}
		j = fin.importJob
		if j.Status != "cancelled" || j.ProcessedRows >= total || j.ProcessedRows%2000 != 0 || fin.FinishedAt == nil {
			t.Fatalf("cancelled import: %+v", fin)
		}
		if n := leadCount(t, e, "contact_name LIKE ?", "取消%"); n != j.CreatedRows || n != j.ProcessedRows {
			t.Fatalf("leads %d, counters %+v", n, j)
		}
		var list listPage
		rep.Do("GET", "/api/v1/imports?status=cancelled", nil).Want(200).JSON(&list)
		if len(list.Items) != 1 || list.Items[0].ID != up.Import.ID {
			t.Fatalf("cancelled list: %+v", list)
		}
	})
}

// TestImportLeadHistory: a lead an import created says so in its history
// (by whom, which import, which file), and an import that updates a lead
// writes the changed fields to its history like an update by hand, naming
// the import; rows that change nothing write nothing.
func TestImportLeadHistory(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		self := me(t, rep)
		old := rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "老客户", "phone": "13844440001", "source": "官网"}).Want(201).Map()
		oldPath := "/api/v1/leads/" + old["id"].(string)
		mapping := map[string]string{"0": "contact_name", "1": "phone", "2": "source"}
		run := func(name, data, policy string) string {
			var up importAnswer
			upload(t, rep, name, []byte(data)).Want(201).JSON(&up)
			if j := startImport(t, rep, up.Import.ID, map[string]any{"mapping": mapping, "duplicate_policy": policy}); j.Status != "done" {
				t.Fatalf("%s: %+v", name, j)
			}
			return up.Import.ID
		}
		first := run("首批线索.csv", "姓名,手机,来源\n新客户,13844440002,展会\n", "skip")
		var newID string
		if err := e.DB.Read.NewSelect().Table("leads").Column("id").Where("phone_key = ?", "13844440002").Scan(context.Background(), &newID); err != nil {
			t.Fatal(err)
		}
		newPath := "/api/v1/leads/" + newID
		h := historyOf(t, rep, newPath)
		if len(h.Items) != 1 || h.Items[0].Action != "create" || !hasChange(h.Items[0].Changes, "import_id", first) ||
			!hasChange(h.Items[0].Changes, "import_file_name", "首批线索.csv") {
			t.Fatalf("imported lead's history: %+v", h)
		}
		var origin struct{ Items []map[string]any }
		rep.Do("GET", newPath+"/history", nil).Want(200).JSON(&origin)
		if origin.Items[0]["actor_name"] != self["name"] || origin.Items[0]["actor_id"] != self["id"] {
			t.Fatalf("the import's origin entry names who ran it: %v", origin.Items[0])
		}
		// Rows 1 and 2 change the leads; row 3 repeats the old lead's new values.
		second := run("更新.csv", "姓名,手机,来源\n新名字,13844440001,转介绍\n新客户,13844440002,官网\n新名字,13844440001,转介绍\n", "update")
		h = historyOf(t, rep, oldPath)
		if len(h.Items) != 2 || h.Items[0].Action != "update" || !hasChange(h.Items[0].Changes, "import_id", second) ||
			!hasChange(h.Items[0].Changes, "import_file_name", "更新.csv") {
			t.Fatalf("updated lead's history: %+v", h)
		}
		fields := map[string][2]any{}
		for _, c := range h.Items[0].Changes {
			fields[c.Field] = [2]any{c.Old, c.New}
		}
		if len(fields) != 4 || fields["contact_name"] != [2]any{"老客户", "新名字"} || fields["source"] != [2]any{"官网", "转介绍"} {
			t.Fatalf("changed fields: %v", fields)
		}
		// Paged one at a time: the update, then the import that created it.
		var p1, p2 struct {
			Items      []map[string]any
			NextCursor string `json:"next_cursor"`
		}
		rep.Do("GET", newPath+"/history?limit=1", nil).Want(200).JSON(&p1)
		if len(p1.Items) != 1 || p1.Items[0]["action"] != "update" || p1.NextCursor == "" {
			t.Fatalf("page 1: %+v", p1)
		}
		rep.Do("GET", newPath+"/history?limit=1&cursor="+p1.NextCursor, nil).Want(200).JSON(&p2)
		if len(p2.Items) != 1 || p2.Items[0]["action"] != "create" || p2.NextCursor != "" {
			t.Fatalf("page 2: %+v", p2)
		}
		// A lead created by hand has no import origin: its own create entry.
		if h := historyOf(t, rep, oldPath); h.Items[1].Action != "create" || hasChange(h.Items[1].Changes, "import_id", first) {
			t.Fatalf("hand-made lead's history: %+v", h.Items[1])
		}
	})
}

// TestImportUpdateMeetsConcurrentEdits: while an update import runs in the
// background, a person edits the very leads its rows update. Neither
// write is lost: a chunk that read a lead before the edit (early, on a
// read connection, while the chunk before it is written) finds the lead
// changed when it writes, and reads it again.
func TestImportUpdateMeetsConcurrentEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := apitest.StartWith(t, d, api.Options{Demo: true, Signup: true, ImportSyncRows: 2})
		rep := e.Demo("east1.rep1@demo.local")
		const leads, rowsPerLead = 60, 3 // each lead matched in three chunks
		file := func(source string, n int) []byte {
			var b strings.Builder
			b.WriteString("姓名,手机,来源\n")
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, "并发%d,1375555%04d,%s\n", i%leads, i%leads, source)
			}
			return []byte(b.String())
		}
		mapping := map[string]string{"0": "contact_name", "1": "phone", "2": "source"}
		run := func(data []byte, policy string) importJob {
			t.Helper()
			var up importAnswer
			upload(t, rep, "edits.csv", data).Want(201).JSON(&up)
			var j importJob
			rep.Do("POST", "/api/v1/imports/"+up.Import.ID+"/start", map[string]any{"mapping": mapping, "duplicate_policy": policy}).
				Want(200, 202).JSON(&j)
			for deadline := time.Now().Add(60 * time.Second); j.Status == "running" && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
				rep.Do("GET", "/api/v1/imports/"+up.Import.ID, nil).Want(200).JSON(&j)
			}
			return j
		}
		if j := run(file("初始", leads), "skip"); j.Status != "done" || j.CreatedRows != leads {
			t.Fatalf("first import: %+v", j)
		}
		var page struct{ Items []map[string]any }
		rep.Do("GET", "/api/v1/leads?q=1375555&limit=200", nil).Want(200).JSON(&page)
		if len(page.Items) != leads {
			t.Fatalf("%d leads", len(page.Items))
		}

		// Edit every lead's notes over and over while the update import runs
		// through rowsPerLead chunks of rows that all match them.
		done := make(chan importJob)
		rows := rowsPerLead * importer.ChunkRowsOf(d.Dialect)
		go func() { done <- run(file("再导入", rows), "update") }()
		var j importJob
		edits, wrote := 0, map[string]string{}
	edit:
		for round := 0; ; round++ {
			for _, l := range page.Items {
				select {
				case j = <-done:
					break edit
				default:
				}
				id := l["id"].(string)
				for {
					cur := rep.Do("GET", "/api/v1/leads/"+id, nil).Want(200)
					w := rep.Do("PATCH", "/api/v1/leads/"+id, map[string]any{"notes": fmt.Sprintf("手改%d", round)}, "If-Match", cur.Header.Get("ETag"))
					if w.Status == 200 {
						wrote[id] = fmt.Sprintf("手改%d", round)
						break
					}
					w.Want(412) // the import wrote it in between: edit again
				}
				edits++
			}
		}
		if j.Status != "done" || j.UpdatedRows != rows {
			t.Fatalf("update import: %+v", j)
		}
		if edits == 0 {
			t.Fatal("no edit ran beside the import")
		}
		// Every lead has the import's source and the last note written to it.
		for _, l := range page.Items {
			got := rep.Do("GET", "/api/v1/leads/"+l["id"].(string), nil).Want(200).Map()
			if note := wrote[l["id"].(string)]; got["source"] != "再导入" || got["notes"] != note {
				t.Fatalf("lead %s: source %v, notes %q; last note written %q", got["contact_name"], got["source"], got["notes"], note)
			}
		}
	})
}
