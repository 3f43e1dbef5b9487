package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
	idgen "github.com/rudder-crm/rudder/internal/platform/ids"
)

// The issue-3 benchmarks: each measures the API next to the raw database
// doing the least the same answer needs, in the same run on the same
// database handle (so the same sync mode), and reports both and the ratio.

// benchConns is how many requests run at once in the throughput benchmarks.
const benchConns = 8

// handlerCall runs one request through the whole handler stack.
func handlerCall(e *apitest.Env, token, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	e.Server.Handler.ServeHTTP(w, req)
	return w
}

// parallel runs fn(i) for i in [0, n) on benchConns goroutines and returns
// the wall time.
func parallel(n int, fn func(i int)) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for g := 0; g < benchConns; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return time.Since(t0)
}

// BenchmarkCreateLead: POST /api/v1/leads (validation, duplicate check
// against leads and customers, assignment, the insert and its audit entry,
// one transaction each) against raw single-row INSERTs of the same row, each
// its own transaction, through the same write handle. Goal: ≥ 50 %.
func BenchmarkCreateLead(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			e := apitest.Start(b, dbtest.Open(b, d))
			token := e.Demo("admin@demo.local").Token
			var tenant, owner string
			if err := e.DB.Read.NewRaw("SELECT tenant_id, id FROM users WHERE email = 'admin@demo.local'").Scan(context.Background(), &tenant, &owner); err != nil {
				b.Fatal(err)
			}
			now := time.Now().UTC()
			raw := `INSERT INTO leads (id, tenant_id, contact_name, company, phone, email, source, status, owner_id, score,
				phone_key, email_key, company_key, created_by, created_at, updated_at, version)
				VALUES (?, ?, ?, ?, ?, ?, '展会', 'new', ?, 0, ?, ?, ?, ?, ?, ?, 1)`
			if d == db.Postgres {
				raw = pgPlaceholders(raw)
			}
			stmt, err := e.DB.Write.DB.Prepare(raw)
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			run := b.N
			b.ResetTimer()
			rawTime := parallel(run, func(i int) {
				phone := fmt.Sprintf("137%08d", i)
				if _, err := stmt.Exec(idgen.New(), tenant, fmt.Sprintf("原始%d", i), fmt.Sprintf("原始公司%d", i), phone,
					fmt.Sprintf("raw%d@bench.test", i), owner, phone, fmt.Sprintf("raw%d@bench.test", i), fmt.Sprintf("原始公司%d", i),
					owner, now, now); err != nil {
					b.Error(err)
				}
			})
			apiTime := parallel(run, func(i int) {
				body, _ := json.Marshal(map[string]any{"contact_name": fmt.Sprintf("联系人%d", i),
					"company": fmt.Sprintf("基准公司%d", i), "phone": fmt.Sprintf("139%08d", i),
					"email": fmt.Sprintf("api%d@bench.test", i), "source": "展会"})
				if w := handlerCall(e, token, "POST", "/api/v1/leads", body); w.Code != 201 {
					b.Errorf("create: %d %s", w.Code, w.Body)
				}
			})
			b.StopTimer()
			rawRate, apiRate := float64(run)/rawTime.Seconds(), float64(run)/apiTime.Seconds()
			b.ReportMetric(rawRate, "raw-inserts/s")
			b.ReportMetric(apiRate, "api-creates/s")
			b.ReportMetric(100*apiRate/rawRate, "%-of-raw")
		})
	}
}

// pgPlaceholders turns ? into $1, $2, … for statements prepared on the
// driver directly.
func pgPlaceholders(q string) string {
	var out bytes.Buffer
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&out, "$%d", n)
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

// seedLeads adds n leads to the demo tenant in one set-based statement:
// spread over the reps (and their departments), 7 sources, 5 regions,
// 8 industries, the five statuses, one every 47 s back from now (so 1M
// leads span 18 months), with dedupe keys like the service writes.
func seedLeads(b *testing.B, e *apitest.Env, n int) {
	b.Helper()
	ctx := context.Background()
	var q string
	if e.DB.Dialect == db.SQLite {
		q = `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?),
			reps AS (SELECT ROW_NUMBER() OVER (ORDER BY u.id) - 1 AS k, u.id, u.department_id, u.tenant_id FROM users u
				JOIN roles r ON r.id = u.role_id WHERE r.key = 'rep' AND u.tenant_id = (SELECT id FROM tenants WHERE demo))
			INSERT INTO leads (id, tenant_id, contact_name, company, phone, email, source, region, industry, status,
				owner_id, department_id, assigned_at, last_follow_up_at, score, phone_key, email_key, company_key,
				created_by, created_at, updated_at, version)
			SELECT printf('%08x-0000-7000-8000-%012x', 1, ? - s.i), reps.tenant_id, '联系人' || s.i, '基准公司' || (s.i % 300000) || '有限公司',
				printf('139%08d', s.i), 'u' || s.i || '@bench.test',
				CASE s.i % 7 WHEN 0 THEN '展会' WHEN 1 THEN '官网表单' WHEN 2 THEN '电话营销' WHEN 3 THEN '客户转介绍' WHEN 4 THEN '广告投放' WHEN 5 THEN '网络搜索' ELSE '合作伙伴' END,
				CASE s.i % 5 WHEN 0 THEN '上海' WHEN 1 THEN '浙江' WHEN 2 THEN '江苏' WHEN 3 THEN '广东' ELSE '福建' END,
				CASE s.i % 8 WHEN 0 THEN '制造业' WHEN 1 THEN '零售' WHEN 2 THEN '金融' WHEN 3 THEN '医疗' WHEN 4 THEN '教育' WHEN 5 THEN '物流' WHEN 6 THEN '互联网' ELSE '能源' END,
				CASE s.i % 10 WHEN 0 THEN 'converted' WHEN 1 THEN 'disqualified' WHEN 2 THEN 'qualified' WHEN 3 THEN 'contacted' WHEN 4 THEN 'contacted' WHEN 5 THEN 'contacted' ELSE 'new' END,
				reps.id, reps.department_id, strftime('%Y-%m-%d %H:%M:%S+00:00', ?, '-' || (s.i * 47) || ' seconds'),
				CASE WHEN s.i % 3 = 0 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S+00:00', ?, '-' || (s.i * 31) || ' seconds') END,
				s.i % 101, printf('139%08d', s.i), 'u' || s.i || '@bench.test', '基准公司' || (s.i % 300000),
				reps.id, strftime('%Y-%m-%d %H:%M:%S+00:00', ?, '-' || (s.i * 47) || ' seconds'),
				strftime('%Y-%m-%d %H:%M:%S+00:00', ?, '-' || (s.i * 47) || ' seconds'), 1
			FROM s JOIN reps ON reps.k = s.i % 12`
	} else {
		q = `WITH reps AS (SELECT ROW_NUMBER() OVER (ORDER BY u.id) - 1 AS k, u.id, u.department_id, u.tenant_id FROM users u
				JOIN roles r ON r.id = u.role_id WHERE r.key = 'rep' AND u.tenant_id = (SELECT id FROM tenants WHERE demo))
			INSERT INTO leads (id, tenant_id, contact_name, company, phone, email, source, region, industry, status,
				owner_id, department_id, assigned_at, last_follow_up_at, score, phone_key, email_key, company_key,
				created_by, created_at, updated_at, version)
			SELECT '00000001-0000-7000-8000-' || lpad(to_hex(?::bigint - s.i), 12, '0'), reps.tenant_id, '联系人' || s.i, '基准公司' || (s.i % 300000) || '有限公司',
				'139' || lpad(s.i::text, 8, '0'), 'u' || s.i || '@bench.test',
				(ARRAY['展会','官网表单','电话营销','客户转介绍','广告投放','网络搜索','合作伙伴'])[s.i % 7 + 1],
				(ARRAY['上海','浙江','江苏','广东','福建'])[s.i % 5 + 1],
				(ARRAY['制造业','零售','金融','医疗','教育','物流','互联网','能源'])[s.i % 8 + 1],
				(ARRAY['converted','disqualified','qualified','contacted','contacted','contacted','new','new','new','new'])[s.i % 10 + 1],
				reps.id, reps.department_id, ?::timestamptz - s.i * interval '47 seconds',
				CASE WHEN s.i % 3 = 0 THEN NULL ELSE ?::timestamptz - s.i * interval '31 seconds' END,
				s.i % 101, '139' || lpad(s.i::text, 8, '0'), 'u' || s.i || '@bench.test', '基准公司' || (s.i % 300000),
				reps.id, ?::timestamptz - s.i * interval '47 seconds', ?::timestamptz - s.i * interval '47 seconds', 1
			FROM generate_series(1, ?::bigint) AS s(i) JOIN reps ON reps.k = s.i % 12`
	}
	base := time.Now().UTC().Add(-time.Hour).Format("2006-01-02 15:04:05")
	var args []any
	if e.DB.Dialect == db.SQLite {
		args = []any{n, n + 1, base, base, base, base}
	} else {
		args = []any{n + 1, base, base, base, base, n}
	}
	if _, err := e.DB.Write.NewRaw(q, args...).Exec(ctx); err != nil {
		b.Fatalf("seed leads: %v", err)
	}
	if e.DB.Dialect == db.Postgres {
		if _, err := e.DB.Write.ExecContext(ctx, "ANALYZE leads"); err != nil {
			b.Fatal(err)
		}
	} else if _, err := e.DB.Write.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

func pct(sorted []time.Duration, p float64) float64 {
	i := int(float64(len(sorted))*p+0.999999) - 1
	return float64(sorted[max(i, 0)].Microseconds()) / 1000
}

// BenchmarkLeadList1M: lead lists a manager and a rep use every day, with
// filters and keyset paging, over a tenant of 1,000,000 leads: the first
// page of each shape and then pages 2–5 through its cursors. Goal: p95 ≤ 50 ms.
func BenchmarkLeadList1M(b *testing.B) {
	const n = 1_000_000
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			e := apitest.Start(b, dbtest.Open(b, d))
			t0 := time.Now()
			seedLeads(b, e, n)
			b.Logf("%s: seeded %d leads in %v", d, n, time.Since(t0).Round(time.Millisecond))
			admin := e.Demo("director@demo.local").Token
			manager := e.Demo("east1.manager@demo.local").Token
			rep := e.Demo("east1.rep1@demo.local").Token
			from := url.QueryEscape(time.Now().UTC().AddDate(0, -3, 0).Format(time.RFC3339))
			shapes := []struct {
				name, token, query string
			}{
				{"all-newest", admin, "limit=50"},
				{"status-source", admin, "status=contacted&source=" + url.QueryEscape("展会") + "&limit=50"},
				{"region-industry-created", admin, "region=" + url.QueryEscape("广东") + "&industry=" + url.QueryEscape("医疗") + "&created_from=" + from + "&limit=50"},
				{"manager-last-follow-up", manager, "sort=-last_follow_up_at&limit=50"},
				{"rep-status", rep, "status=new&limit=50"},
				{"score", admin, "sort=-score&status=qualified&limit=50"},
			}
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				var all []time.Duration
				for _, s := range shapes {
					var ts []time.Duration
					for round := 0; round < 10; round++ {
						cursor := ""
						for page := 0; page < 5; page++ {
							path := "/api/v1/leads?" + s.query
							if cursor != "" {
								path += "&cursor=" + url.QueryEscape(cursor)
							}
							t0 := time.Now()
							w := handlerCall(e, s.token, "GET", path, nil)
							ts = append(ts, time.Since(t0))
							if w.Code != 200 {
								b.Fatalf("%s: %d %s", s.name, w.Code, w.Body)
							}
							var p struct {
								Items      []json.RawMessage `json:"items"`
								NextCursor string            `json:"next_cursor"`
							}
							_ = json.Unmarshal(w.Body.Bytes(), &p)
							if len(p.Items) != 50 || p.NextCursor == "" {
								b.Fatalf("%s page %d: %d items", s.name, page, len(p.Items))
							}
							cursor = p.NextCursor
						}
					}
					slices.Sort(ts)
					b.ReportMetric(pct(ts, 0.95), "p95-ms-"+s.name)
					all = append(all, ts...)
				}
				slices.Sort(all)
				b.ReportMetric(pct(all, 0.50), "p50-ms")
				b.ReportMetric(pct(all, 0.95), "p95-ms")
				b.ReportMetric(pct(all, 0.99), "p99-ms")
			}
		})
	}
}
