package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// benchGet measures one authenticated GET through the whole handler stack
// (middleware, auth, huma, SQL), without the network.
func benchGet(b *testing.B, dialect db.Dialect, path string) {
	e := apitest.Start(b, dbtest.Open(b, dialect))
	token := e.Demo("admin@demo.local").Token
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			e.Server.Handler.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
		}
	})
}

func BenchmarkMe(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) { benchGet(b, d, "/api/v1/me") })
	}
}

func BenchmarkUsersPage(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) { benchGet(b, d, "/api/v1/users?limit=50") })
	}
}

// BenchmarkImportLeads imports a generated CSV of 100,000 leads (unique
// phones and emails, so every row is looked up among the leads and the demo
// customers and their contacts, and created under the skip policy) through
// the API: upload, then start, then poll until done. The rows/s metric is
// rows over the time from start to done; upload-rows/s covers the upload
// (storing, sniffing and counting the file). raw-rows/s is the database's
// own limit for the same rows (rawBulkInsert) in a second database loaded
// alike; go-µs and pg-µs per row are the CPU the benchmark process and the
// PostgreSQL server spent on each row of the import and of the raw writes.
func BenchmarkImportLeads(b *testing.B) { benchImport(b, 100_000, true) }

// BenchmarkImportLeads1M imports one file of 1,000,000 leads (about 90 MiB)
// the same way: s-1M is its seconds from start to done. Goal: under a
// minute. (No raw comparison: the rows alone would take gigabytes.)
func BenchmarkImportLeads1M(b *testing.B) { benchImport(b, 1_000_000, false) }

func benchImport(b *testing.B, rows int, withRaw bool) {
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			_, do := importBenchEnv(b, d)
			var doRaw func(method, path string, body []byte, ct string) *httptest.ResponseRecorder
			var eRaw *apitest.Env
			var tenant, owner string
			if withRaw {
				eRaw, doRaw = importBenchEnv(b, d)
				if err := eRaw.DB.Read.QueryRow("SELECT tenant_id, id FROM users WHERE email = 'admin@demo.local'").Scan(&tenant, &owner); err != nil {
					b.Fatal(err)
				}
			}
			var importing, uploading time.Duration
			var rawRate float64
			var importCPU, rawCPU cpuUse
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var csv bytes.Buffer
				csv.WriteString("姓名,公司,手机,邮箱,来源,地区,行业\n")
				for r := 0; r < rows; r++ {
					n := i*rows + r
					fmt.Fprintf(&csv, "联系人%d,测试公司%d有限公司,139%08d,user%d@bench.test,展会,华东,制造\n", n, n%5000, n, n)
				}
				body, ct := multipartFile(b, "bench.csv", csv.Bytes())
				if withRaw { // the same rows, as an import of the second database's
					rawImport := uploadForBench(b, doRaw, body, ct)
					raw := rawImportRows(tenant, owner, rawImport.Import.ID, i*rows, rows, d == db.SQLite)
					c0 := cpuNow()
					rawRate += rawBulkInsert(b, eRaw, raw) / float64(b.N)
					rawCPU = rawCPU.add(cpuNow().since(c0))
				}

				t0 := time.Now()
				up := uploadForBench(b, do, body, ct)
				uploading += time.Since(t0)
				start, _ := json.Marshal(map[string]any{"mapping": up.SuggestedMapping, "duplicate_policy": "skip"})
				b.StartTimer()
				c1 := cpuNow()
				t1 := time.Now()
				if w := do("POST", "/api/v1/imports/"+up.Import.ID+"/start", start, "application/json"); w.Code != 202 && w.Code != 200 {
					b.Fatalf("start: %d %s", w.Code, w.Body)
				}
				var j importJob
				for {
					w := do("GET", "/api/v1/imports/"+up.Import.ID, nil, "")
					if err := json.Unmarshal(w.Body.Bytes(), &j); err != nil {
						b.Fatal(err)
					}
					if j.Status != "running" {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				importing += time.Since(t1)
				importCPU = importCPU.add(cpuNow().since(c1))
				if j.Status != "done" || j.CreatedRows != rows {
					b.Fatalf("import: %+v", j)
				}
			}
			rate := float64(rows*b.N) / importing.Seconds()
			b.ReportMetric(rate, "rows/s")
			b.ReportMetric(float64(rows*b.N)/uploading.Seconds(), "upload-rows/s")
			perRow := func(t time.Duration) float64 { return t.Seconds() * 1e6 / float64(rows*b.N) }
			b.ReportMetric(perRow(importCPU.self), "go-µs/row")
			if d == db.Postgres && importCPU.postgres > 0 {
				b.ReportMetric(perRow(importCPU.postgres), "pg-µs/row")
			}
			if !withRaw {
				b.ReportMetric(importing.Seconds()/float64(b.N)*1e6/float64(rows), "s-1M")
				return
			}
			b.ReportMetric(rawRate, "raw-rows/s")
			b.ReportMetric(100*rate/rawRate, "%-of-raw")
			b.ReportMetric(perRow(rawCPU.self), "go-µs/raw-row")
			if d == db.Postgres && rawCPU.postgres > 0 {
				b.ReportMetric(perRow(rawCPU.postgres), "pg-µs/raw-row")
			}
		})
	}
}

// importBenchEnv is a server over a fresh database with the demo tenant,
// and a function that calls it as the demo admin.
func importBenchEnv(b *testing.B, d db.Dialect) (*apitest.Env, func(method, path string, body []byte, ct string) *httptest.ResponseRecorder) {
	e := apitest.Start(b, dbtest.Open(b, d))
	token := e.Demo("admin@demo.local").Token
	return e, func(method, path string, body []byte, ct string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		w := httptest.NewRecorder()
		e.Server.Handler.ServeHTTP(w, req)
		return w
	}
}

func uploadForBench(b *testing.B, do func(method, path string, body []byte, ct string) *httptest.ResponseRecorder, body []byte, ct string) importAnswer {
	w := do("POST", "/api/v1/imports", body, ct)
	if w.Code != 201 {
		b.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	var up importAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &up); err != nil {
		b.Fatal(err)
	}
	return up
}
