package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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
	// The request is built as the server's connection would hand it over
	// (httptest.NewRequest parses it from text through a fresh 4 KiB
	// reader each time, a cost a real connection does not pay per request).
	u, err := url.ParseRequestURI(path)
	if err != nil {
		panic(err)
	}
	req := (&http.Request{Method: method, URL: u, RequestURI: path, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Authorization": {"Bearer " + token}}, Host: "example.com", RemoteAddr: "192.0.2.1:1234",
		Body: http.NoBody}).WithContext(context.Background())
	if body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	}
	w := httptest.NewRecorder()
	e.Server.Handler.ServeHTTP(w, req)
	return w
}

// parallel runs fn(i) for i in [0, n) on benchConns goroutines and returns
// the wall time.
func parallel(n int, fn func(i int)) time.Duration { return parallelOn(benchConns, n, fn) }

// parallelOn runs fn(i) for i in [0, n) on conns goroutines.
func parallelOn(conns, n int, fn func(i int)) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for g := 0; g < conns; g++ {
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
// against leads and customers, the insert and its audit entry, each create
// atomic) against raw single-row INSERTs of the same row, each its own
// transaction, through the same write handle, both from benchConns
// concurrent callers. Goal: ≥ 50 %.
func BenchmarkCreateLead(b *testing.B) { benchCreateLead(b, benchConns) }

// BenchmarkCreateLeadBusy is the same comparison with 32 concurrent
// callers on each side (not a goal): creates are combined, so they gain
// from concurrency more than single inserts do.
func BenchmarkCreateLeadBusy(b *testing.B) { benchCreateLead(b, 32) }

func benchCreateLead(b *testing.B, conns int) {
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
			// Raw inserts and API creates take turns, a quarter of the run
			// each time, so that both meet the same state of the database
			// (table size, autovacuum, checkpoints) and the same noise.
			run := b.N
			var rawTime, apiTime time.Duration
			var rawCPU, apiCPU cpuUse
			b.ResetTimer()
			for round := 0; round < 4; round++ {
				from, to := run*round/4, run*(round+1)/4
				c0 := cpuNow()
				rawTime += parallelOn(conns, to-from, func(i int) {
					i += from
					phone := fmt.Sprintf("137%08d", i)
					if _, err := stmt.Exec(idgen.New(), tenant, fmt.Sprintf("原始%d", i), fmt.Sprintf("原始公司%d", i), phone,
						fmt.Sprintf("raw%d@bench.test", i), owner, phone, fmt.Sprintf("raw%d@bench.test", i), fmt.Sprintf("原始公司%d", i),
						owner, now, now); err != nil {
						b.Error(err)
					}
				})
				c1 := cpuNow()
				rawCPU = rawCPU.add(c1.since(c0))
				apiTime += parallelOn(conns, to-from, func(i int) {
					i += from
					body, _ := json.Marshal(map[string]any{"contact_name": fmt.Sprintf("联系人%d", i),
						"company": fmt.Sprintf("基准公司%d", i), "phone": fmt.Sprintf("139%08d", i),
						"email": fmt.Sprintf("api%d@bench.test", i), "source": "展会"})
					if w := handlerCall(e, token, "POST", "/api/v1/leads", body); w.Code != 201 {
						b.Errorf("create: %d %s", w.Code, w.Body)
					}
				})
				apiCPU = apiCPU.add(cpuNow().since(c1))
			}
			b.StopTimer()
			rawRate, apiRate := float64(run)/rawTime.Seconds(), float64(run)/apiTime.Seconds()
			b.ReportMetric(rawRate, "raw-inserts/s")
			b.ReportMetric(apiRate, "api-creates/s")
			b.ReportMetric(100*apiRate/rawRate, "%-of-raw")
			// Where the time goes: CPU per insert and per create, of this
			// process (the server's handlers and the benchmark's clients)
			// and of the database (PostgreSQL's processes when on this host).
			b.ReportMetric(rawCPU.self.Seconds()*1e6/float64(run), "go-µs/insert")
			b.ReportMetric(apiCPU.self.Seconds()*1e6/float64(run), "go-µs/create")
			if d == db.Postgres && rawCPU.postgres > 0 {
				b.ReportMetric(rawCPU.postgres.Seconds()*1e6/float64(run), "pg-µs/insert")
				b.ReportMetric(apiCPU.postgres.Seconds()*1e6/float64(run), "pg-µs/create")
			}
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
				searchLeads1M(b, e, admin)
			}
		})
	}
}

// searchLeads1M times searches (first page, 10 each) over the seeded
// million: a whole mobile number and a whole e-mail address (looked up by
// their keys); substrings: a company word many leads share, a contact name
// and a part of a phone number only one lead has, and a name no lead has
// (found through the trigram index). A two-character term no lead has is
// timed apart: it has no trigram, so it reads every lead.
func searchLeads1M(b *testing.B, e *apitest.Env, token string) {
	times := map[string][]time.Duration{}
	for _, s := range []struct {
		name, q, kind string
		found         bool
	}{
		{"q-mobile", "+86 139-0065-4321", "keyed", true}, {"q-email", "U654321@bench.test", "keyed", true},
		{"q-company", "基准公司12", "substring", true}, {"q-rare-name", "联系人654321", "substring", true},
		{"q-phone-part", "00654321", "substring", true}, {"q-no-match", "联系人骁骉", "substring", false},
		{"q-two-chars-no-match", "骁骉", "short", false},
	} {
		var ts []time.Duration
		for round := 0; round < 10; round++ {
			t0 := time.Now()
			w := handlerCall(e, token, "GET", "/api/v1/leads?limit=50&q="+url.QueryEscape(s.q), nil)
			ts = append(ts, time.Since(t0))
			var p struct{ Items []json.RawMessage }
			_ = json.Unmarshal(w.Body.Bytes(), &p)
			if w.Code != 200 || (len(p.Items) > 0) != s.found {
				b.Fatalf("%s: %d, %d items", s.name, w.Code, len(p.Items))
			}
		}
		slices.Sort(ts)
		b.ReportMetric(pct(ts, 0.95), "p95-ms-"+s.name)
		times[s.kind] = append(times[s.kind], ts...)
	}
	for _, kind := range []string{"keyed", "substring"} {
		slices.Sort(times[kind])
		b.ReportMetric(pct(times[kind], 0.95), "p95-ms-search-"+kind)
	}
}

// seedOpportunities adds n opportunities of the default pipeline to the
// demo tenant over 1,000 seeded customers, spread over the reps, the open
// stages and the closed ones, with the stage marks a straight walk to their
// stage leaves (entered: every stage up to it; advanced: the ones before).
// start numbers them so a second call adds more.
func seedOpportunities(b *testing.B, e *apitest.Env, start, n int) {
	b.Helper()
	ctx := context.Background()
	if start == 0 {
		cust := `INSERT INTO customers (id, tenant_id, name, company_key, owner_id, department_id, created_by, created_at, updated_at, version)
			SELECT '00000002-0000-7000-8000-' || %s, u.tenant_id, '基准客户' || s.i, '基准客户' || s.i, u.id, u.department_id, u.id, ?, ?, 1
			FROM %s JOIN users u ON u.email = 'east1.rep1@demo.local'`
		if e.DB.Dialect == db.SQLite {
			cust = fmt.Sprintf(cust, "printf('%012x', s.i)", "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i FROM n) AS s")
		} else {
			cust = fmt.Sprintf(cust, "lpad(to_hex(s.i), 12, '0')", "generate_series(1, 1000) AS s(i)")
		}
		now := time.Now().UTC()
		if _, err := e.DB.Write.NewRaw(cust, now, now).Exec(ctx); err != nil {
			b.Fatalf("seed customers: %v", err)
		}
	}
	// Stage k (0-based position) of the default pipeline: 0–3 open, 4 won, 5 lost.
	// Marks assume bit = position - 1, as the pipeline is seeded.
	q := `WITH st AS (SELECT position - 1 AS k, id, probability AS p FROM stages WHERE pipeline_id = (SELECT id FROM pipelines WHERE is_default AND tenant_id = (SELECT id FROM tenants WHERE demo))),
		reps AS (SELECT ROW_NUMBER() OVER (ORDER BY u.id) - 1 AS r, u.id, u.department_id, u.tenant_id FROM users u
			JOIN roles ro ON ro.id = u.role_id WHERE ro.key = 'rep' AND u.tenant_id = (SELECT id FROM tenants WHERE demo))
		INSERT INTO opportunities (id, tenant_id, pipeline_id, stage_id, customer_id, name, amount, currency, expected_close,
			owner_id, department_id, forecast_category, stage_entered_at, created_by, created_at, updated_at, version,
			entered_stages, advanced_stages, weighted_amount)
		SELECT %[1]s, reps.tenant_id, (SELECT id FROM pipelines WHERE is_default AND tenant_id = reps.tenant_id), st.id,
			'00000002-0000-7000-8000-' || %[2]s, '基准商机' || s.i, 100000 + (s.i %% 997) * 1000, 'CNY', '2027-06-30',
			reps.id, reps.department_id, 'pipeline', ?, reps.id, ?, ?, 1,
			CASE WHEN st.k = 5 THEN 3 ELSE (1 << (st.k + 1)) - 1 END,
			CASE WHEN st.k = 5 THEN 1 WHEN st.k = 0 THEN 0 ELSE (1 << st.k) - 1 END,
			((100000 + (s.i %% 997) * 1000) * st.p + 50) / 100
		FROM %[3]s JOIN reps ON reps.r = s.i %% 12 JOIN st ON st.k = (s.i * 7) %% 6`
	if e.DB.Dialect == db.SQLite {
		q = fmt.Sprintf(q, "printf('00000003-0000-7000-8000-%012x', s.i)", "printf('%012x', 1 + s.i % 1000)",
			fmt.Sprintf("(WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d) SELECT i FROM n) AS s", start+1, start+n))
	} else {
		q = fmt.Sprintf(q, "'00000003-0000-7000-8000-' || lpad(to_hex(s.i), 12, '0')", "lpad(to_hex(1 + s.i % 1000), 12, '0')",
			fmt.Sprintf("generate_series(%d, %d) AS s(i)", start+1, start+n))
	}
	now := time.Now().UTC()
	if _, err := e.DB.Write.NewRaw(q, now, now, now).Exec(ctx); err != nil {
		b.Fatalf("seed opportunities: %v", err)
	}
	analyze := "ANALYZE"
	if e.DB.Dialect == db.Postgres {
		analyze = "VACUUM ANALYZE opportunities" // index-only scans need the visibility map
	}
	if _, err := e.DB.Write.ExecContext(ctx, analyze); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFunnel: GET /api/v1/analytics/funnel (a director's, the whole
// tenant) against the raw covering-index aggregate (count and amount per
// stage and currency, straight on the read pool), at 100,000 and at
// 1,000,000 opportunities. Goals: ≤ 2× raw at 1M; ≤ 50 ms at 100k.
func BenchmarkFunnel(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			e := apitest.Start(b, dbtest.Open(b, d))
			token := e.Demo("director@demo.local").Token
			var tenant, pipeline string
			if err := e.DB.Read.NewRaw("SELECT tenant_id, id FROM pipelines WHERE is_default AND tenant_id = (SELECT id FROM tenants WHERE demo)").
				Scan(context.Background(), &tenant, &pipeline); err != nil {
				b.Fatal(err)
			}
			raw := `SELECT stage_id, currency, COUNT(*), SUM(amount) FROM opportunities WHERE tenant_id = ? AND pipeline_id = ?
				GROUP BY stage_id, currency`
			if d == db.Postgres {
				raw = pgPlaceholders(raw)
			}
			seeded := 0
			for _, size := range []int{100_000, 1_000_000} {
				t0 := time.Now()
				seedOpportunities(b, e, seeded, size-seeded)
				seeded = size
				b.Logf("%s: %d opportunities seeded in %v", d, size, time.Since(t0).Round(time.Millisecond))
				var rawTimes, apiTimes []time.Duration
				for i := 0; i < 15; i++ {
					t0 := time.Now()
					rows, err := e.DB.Read.DB.Query(raw, tenant, pipeline)
					if err != nil {
						b.Fatal(err)
					}
					var total int64
					for rows.Next() {
						var st, cur string
						var n, amt int64
						if err := rows.Scan(&st, &cur, &n, &amt); err != nil {
							b.Fatal(err)
						}
						total += n
					}
					rows.Close()
					rawTimes = append(rawTimes, time.Since(t0))
					if total != int64(size) {
						b.Fatalf("raw aggregate counted %d of %d", total, size)
					}
					t0 = time.Now()
					w := handlerCall(e, token, "GET", "/api/v1/analytics/funnel", nil)
					apiTimes = append(apiTimes, time.Since(t0))
					if w.Code != 200 {
						b.Fatalf("funnel: %d %s", w.Code, w.Body)
					}
				}
				slices.Sort(rawTimes)
				slices.Sort(apiTimes)
				name := fmt.Sprintf("%dk", size/1000)
				b.ReportMetric(pct(rawTimes, 0.5), "raw-ms-"+name)
				b.ReportMetric(pct(apiTimes, 0.5), "api-ms-"+name)
				b.ReportMetric(pct(apiTimes, 0.5)/pct(rawTimes, 0.5), "x-raw-"+name)
			}
		})
	}
}
