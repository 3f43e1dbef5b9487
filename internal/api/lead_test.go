package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// me returns the signed-in user of c.
func me(t *testing.T, c *apitest.Client) map[string]any {
	t.Helper()
	return c.Do("GET", "/api/v1/me", nil).Want(200).Map()["user"].(map[string]any)
}

func newLead(t *testing.T, c *apitest.Client, body map[string]any) map[string]any {
	t.Helper()
	return c.Do("POST", "/api/v1/leads", body).Want(201).Map()
}

// setLastFollowUp seeds a lead's pool clock as earlier follow-ups would
// have left it. No request sets it (only a recorded activity moves it), and
// recording one would also move the status and version the tests look at.
func setLastFollowUp(t *testing.T, e *apitest.Env, id string, at time.Time) {
	t.Helper()
	if _, err := e.DB.Write.NewUpdate().Table("leads").Set("last_follow_up_at = ?", at.UTC()).
		Where("id = ?", id).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

type leadPage struct {
	Items      []map[string]any
	NextCursor string `json:"next_cursor"`
}

// leadIDs lists the ids of the first page of leads for a query string.
func leadIDs(t *testing.T, c *apitest.Client, query string) []string {
	t.Helper()
	var page leadPage
	c.Do("GET", "/api/v1/leads?limit=500&"+query, nil).Want(200).JSON(&page)
	out := []string{}
	for _, l := range page.Items {
		out = append(out, l["id"].(string))
	}
	slices.Sort(out)
	return out
}

func ids(leads ...map[string]any) []string {
	out := []string{}
	for _, l := range leads {
		out = append(out, l["id"].(string))
	}
	slices.Sort(out)
	return out
}

func TestLeadLifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		self := me(t, rep)
		r := rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "赵敏", "company": "（上海）锦程智能科技有限公司",
			"phone": "+86 138-0013-8000", "email": "Zhao.Min@Jincheng.example", "source": "展会", "score": 40}).Want(201)
		l := r.Map()
		id := l["id"].(string)
		if r.Header.Get("ETag") != `"1"` || l["status"] != "new" || l["owner_id"] != self["id"] ||
			l["department_id"] != self["department_id"] || l["owner_name"] != "李娜" || l["created_by"] != self["id"] {
			t.Fatalf("created lead: %s %v", r.Header.Get("ETag"), l)
		}
		for _, k := range []string{"phone_key", "email_key", "company_key", "tenant_id"} {
			if _, ok := l[k]; ok {
				t.Fatalf("internal field %s in the answer: %v", k, l)
			}
		}
		if got := rep.Do("GET", "/api/v1/leads/"+id, nil).Want(200); got.Map()["company"] != "（上海）锦程智能科技有限公司" || got.Header.Get("ETag") != `"1"` {
			t.Fatalf("get: %s", got.Body)
		}
		if got := leadIDs(t, rep, ""); !slices.Equal(got, []string{id}) {
			t.Fatalf("list: %v", got)
		}
		upd := rep.Do("PATCH", "/api/v1/leads/"+id, map[string]any{"title": "采购经理", "status": "contacted"}, "If-Match", `"1"`).Want(200)
		if upd.Header.Get("ETag") != `"2"` || upd.Map()["title"] != "采购经理" {
			t.Fatalf("patch: %s %s", upd.Header.Get("ETag"), upd.Body)
		}
		// A patch that changes nothing keeps the version and writes no history.
		rep.Do("PATCH", "/api/v1/leads/"+id, map[string]any{"title": "采购经理"}, "If-Match", `"2"`).Want(200)
		// Stale or missing versions are refused and nothing changes.
		rep.Do("PATCH", "/api/v1/leads/"+id, map[string]any{"title": "总经理"}, "If-Match", `"1"`).Want(412)
		if p := rep.Do("PATCH", "/api/v1/leads/"+id, map[string]any{"title": "总经理"}).Want(422).Problem(); !p.Names("header.If-Match") {
			t.Fatalf("missing If-Match: %+v", p)
		}
		if got := rep.Do("GET", "/api/v1/leads/"+id, nil).Want(200).Map(); got["title"] != "采购经理" || got["version"].(float64) != 2 {
			t.Fatalf("stale write went through: %v", got)
		}
		var hist struct {
			Items []struct {
				Action  string
				Changes []struct{ Field, Old, New any }
			}
		}
		rep.Do("GET", "/api/v1/leads/"+id+"/history", nil).Want(200).JSON(&hist)
		if len(hist.Items) != 2 || hist.Items[0].Action != "update" || hist.Items[1].Action != "create" {
			t.Fatalf("history: %+v", hist.Items)
		}
		changes := map[string][2]any{}
		for _, c := range hist.Items[0].Changes {
			changes[fmt.Sprint(c.Field)] = [2]any{c.Old, c.New}
		}
		if len(changes) != 2 || changes["title"] != [2]any{"", "采购经理"} || changes["status"] != [2]any{"new", "contacted"} {
			t.Fatalf("update entry: %+v", hist.Items[0].Changes)
		}
		if strings.Contains(fmt.Sprint(hist.Items[1].Changes), "_key") {
			t.Fatalf("dedupe keys in the audit trail: %+v", hist.Items[1].Changes)
		}
		// Deletes take If-Match too.
		rep.Do("DELETE", "/api/v1/leads/"+id, nil, "If-Match", `"1"`).Want(412)
		if p := rep.Do("DELETE", "/api/v1/leads/"+id, nil).Want(422).Problem(); !p.Names("header.If-Match") {
			t.Fatalf("delete without If-Match: %+v", p)
		}
		rep.Do("DELETE", "/api/v1/leads/"+id, nil, "If-Match", `"2"`).Want(204)
		rep.Do("GET", "/api/v1/leads/"+id, nil).Want(404)
		rep.Do("DELETE", "/api/v1/leads/"+id, nil, "If-Match", `"2"`).Want(404)
		var found struct{ Items []struct{ Action string } }
		e.Demo("admin@demo.local").Do("GET", "/api/v1/audit?object_type=lead&object_id="+id, nil).Want(200).JSON(&found)
		if len(found.Items) != 3 || found.Items[0].Action != "delete" {
			t.Fatalf("audit after delete: %+v", found.Items)
		}
	})
}

func TestLeadDuplicates(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		first := newLead(t, admin, map[string]any{"contact_name": "钱学森", "company": "（上海）锦程智能科技有限公司",
			"phone": "+86 138-0013-8000", "email": "Qian@Jincheng.example", "wechat": "qian_wx"})
		rep := e.Demo("east1.rep1@demo.local")
		// Same phone as typed differently: refused, and the admin's lead is
		// reported without its details (it is outside the rep's scope).
		r := rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "钱先生", "phone": "13800138000"}).Want(409)
		p := r.Problem()
		if !p.Names("body.phone") || p.Names("body.email") {
			t.Fatalf("duplicate problem: %s", r.Body)
		}
		var dup struct {
			Duplicates []map[string]any
			Errors     []struct{ Location, Value string }
		}
		r.JSON(&dup)
		if len(dup.Duplicates) != 1 || dup.Duplicates[0]["id"] != first["id"] || dup.Duplicates[0]["visible"] != false ||
			dup.Errors[0].Value != first["id"] || fmt.Sprint(dup.Duplicates[0]["matched_on"]) != "[phone]" {
			t.Fatalf("duplicates: %s", r.Body)
		}
		for _, secret := range []string{"钱学森", "qian", "Qian", "周建国", "锦程"} {
			if strings.Contains(string(r.Body), secret) {
				t.Fatalf("409 to a rep leaks %q of a lead outside their scope: %s", secret, r.Body)
			}
		}
		// The director sees who has it.
		dir := e.Demo("director@demo.local")
		r = dir.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "钱", "company": "锦程智能科技", "email": "QIAN@jincheng.example"}).Want(409)
		r.JSON(&dup)
		m := dup.Duplicates[0]
		if m["visible"] != true || m["contact_name"] != "钱学森" || m["owner_name"] != "周建国" ||
			fmt.Sprint(m["matched_on"]) != "[email company]" || !r.Problem().Names("body.company") {
			t.Fatalf("director's duplicates: %s", r.Body)
		}
		// allow_duplicate creates it anyway.
		mine := newLead(t, rep, map[string]any{"contact_name": "钱先生", "phone": "0086 138 0013 8000", "allow_duplicate": true})
		// The lookup while typing: both leads, mine in full, the other as an id.
		var found struct{ Items []map[string]any }
		r = rep.Do("GET", "/api/v1/leads/duplicates?phone="+url.QueryEscape("138 0013 8000"), nil).Want(200)
		r.JSON(&found)
		if len(found.Items) != 2 || found.Items[0]["id"] != mine["id"] || found.Items[0]["contact_name"] != "钱先生" ||
			found.Items[1]["id"] != first["id"] || found.Items[1]["visible"] != false || strings.Contains(string(r.Body), "钱学森") {
			t.Fatalf("duplicates lookup: %s", r.Body)
		}
		rep.Do("GET", "/api/v1/leads/duplicates", nil).Want(200).JSON(&found)
		if len(found.Items) != 0 {
			t.Fatalf("no keys, matches: %v", found.Items)
		}
		admin.Do("GET", "/api/v1/leads/duplicates?company="+url.QueryEscape("【上海】锦程智能科技集团"), nil).Want(200).JSON(&found)
		if len(found.Items) != 1 || found.Items[0]["id"] != first["id"] {
			t.Fatalf("company lookup: %v", found.Items)
		}
		// Short phones and empty keys never match.
		newLead(t, rep, map[string]any{"contact_name": "甲", "phone": "12345"})
		newLead(t, rep, map[string]any{"contact_name": "乙", "phone": "12345"})
		// The 409 is documented with its own schema.
		doc := string(e.Anon().Do("GET", "/api/v1/openapi.json", nil).Want(200).Body)
		if !strings.Contains(doc, `"DuplicateProblem"`) {
			t.Fatal("OpenAPI document lacks the DuplicateProblem schema")
		}
	})
}

func TestLeadStatusRules(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep2@demo.local")
		id := newLead(t, rep, map[string]any{"contact_name": "孙悦"})["id"].(string)
		version := 1
		patch := func(body map[string]any, status int, field string) map[string]any {
			t.Helper()
			r := rep.Do("PATCH", "/api/v1/leads/"+id, body, "If-Match", fmt.Sprintf(`"%d"`, version)).Want(status)
			if status != 200 {
				if p := r.Problem(); !p.Names(field) {
					t.Fatalf("%v: problem does not name %s: %s", body, field, r.Body)
				}
				return nil
			}
			version++
			return r.Map()
		}
		patch(map[string]any{"status": "qualified"}, 200, "") // forward, skipping a step
		patch(map[string]any{"status": "contacted"}, 422, "body.status")
		patch(map[string]any{"status": "new"}, 422, "body.status")
		patch(map[string]any{"status": "converted"}, 422, "body.status")
		patch(map[string]any{"status": "disqualified"}, 422, "body.disqualify_reason")
		patch(map[string]any{"status": "disqualified", "disqualify_reason": "  "}, 422, "body.disqualify_reason")
		patch(map[string]any{"disqualify_reason": "预算不足"}, 422, "body.disqualify_reason")
		l := patch(map[string]any{"status": "disqualified", "disqualify_reason": "预算不足"}, 200, "")
		if l["disqualify_reason"] != "预算不足" {
			t.Fatalf("disqualified: %v", l)
		}
		patch(map[string]any{"disqualify_reason": ""}, 422, "body.disqualify_reason")
		patch(map[string]any{"status": "contacted"}, 422, "body.status")
		patch(map[string]any{"status": "qualified"}, 422, "body.status")
		l = patch(map[string]any{"status": "new"}, 200, "")
		if l["status"] != "new" || l["disqualify_reason"] != "" {
			t.Fatalf("reopened: %v", l)
		}
		patch(map[string]any{"status": "contacted"}, 200, "")
		// Disqualifying from contacted works too.
		patch(map[string]any{"status": "disqualified", "disqualify_reason": "联系不上"}, 200, "")
		patch(map[string]any{"status": "galaxy"}, 422, "body.status")
	})
}

func TestLeadFilters(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep1 := me(t, e.Demo("east1.rep1@demo.local"))["id"]
		rep2 := me(t, e.Demo("east1.rep2@demo.local"))["id"]
		soon := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Second)
		a := newLead(t, admin, map[string]any{"contact_name": "周杰", "company": "上海锦程智能科技有限公司", "source": "展会",
			"region": "华东", "industry": "制造", "owner_id": rep1, "phone": "13911112222"})
		b := newLead(t, admin, map[string]any{"contact_name": "李四", "company": "杭州远航贸易", "source": "官网",
			"region": "华东", "industry": "贸易", "owner_id": rep2, "email": "Li.Si@YuanHang.example",
			"next_follow_up_at": soon.Format(time.RFC3339)})
		c := newLead(t, admin, map[string]any{"contact_name": "Wang Wu", "company": "100% Pure 食品", "source": "官网",
			"region": "华南", "industry": "食品", "next_follow_up_at": soon.Add(72 * time.Hour).Format(time.RFC3339)})
		admin.Do("PATCH", "/api/v1/leads/"+b["id"].(string), map[string]any{"status": "contacted"}, "If-Match", `"1"`).Want(200)
		q := url.QueryEscape
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", ids(a, b, c)},
			{"status=contacted", ids(b)},
			{"status=new", ids(a, c)},
			{"status=qualified", ids()},
			{"owner_id=" + rep1.(string), ids(a)},
			{"source=" + q("官网"), ids(b, c)},
			{"region=" + q("华东"), ids(a, b)},
			{"industry=" + q("食品"), ids(c)},
			{"source=" + q("官网") + "&region=" + q("华东"), ids(b)},
			{"created_from=" + q(b["created_at"].(string)), ids(b, c)},
			{"created_to=" + q(b["created_at"].(string)), ids(a)},
			{"created_from=" + q(b["created_at"].(string)) + "&created_to=" + q(c["created_at"].(string)), ids(b)},
			{"follow_up_from=" + q(soon.Format(time.RFC3339)), ids(b, c)},
			{"follow_up_to=" + q(soon.Add(time.Hour).Format(time.RFC3339)), ids(b)},
			{"follow_up_from=" + q(soon.Add(time.Hour).Format(time.RFC3339)), ids(c)},
			{"q=" + q("锦程"), ids(a)},       // Chinese substring of the company
			{"q=" + q("李"), ids(b)},        // of the contact
			{"q=" + q("wang"), ids(c)},     // ASCII, any case
			{"q=" + q("YUANHANG"), ids(b)}, // email, any case
			{"q=" + q("1111"), ids(a)},     // phone digits
			{"q=" + q("100%"), ids(c)},     // % is a literal, not a wildcard
			{"q=" + q("%"), ids(c)},
			{"q=" + q("_"), ids()},
			{"q=" + q("远航") + "&status=new", ids()},
		} {
			if got := leadIDs(t, admin, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("?%s: %v, want %v", tc.query, got, tc.want)
			}
		}
	})
}

// TestLeadFiltersPoolClockRegion: the pool, last-follow-up and region-tree
// filters, on the list and on a bulk action by filter alike.
func TestLeadFiltersPoolClockRegion(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep1 := me(t, e.Demo("east1.rep1@demo.local"))["id"].(string)
		// A small territory tree: 滤东 → 滤沪 → 滤浦, and 滤南 beside it.
		region := func(name string, parent any) string {
			body := map[string]any{"name": name}
			if parent != nil {
				body["parent_id"] = parent
			}
			return admin.Do("POST", "/api/v1/regions", body).Want(201).Map()["id"].(string)
		}
		east := region("滤东", nil)
		region("滤浦", region("滤沪", east))
		region("滤南", nil)
		now := time.Now().UTC().Truncate(time.Second)
		lead := func(name, region string, followedUp time.Duration) map[string]any {
			l := newLead(t, admin, map[string]any{"contact_name": name, "region": region, "owner_id": rep1})
			if followedUp != 0 {
				setLastFollowUp(t, e, l["id"].(string), now.Add(-followedUp))
			}
			return l
		}
		day := 24 * time.Hour
		a := lead("甲", "滤东", 10*day)
		b := lead("乙", "滤沪", 3*day)
		c := lead("丙", "滤浦", 0) // never followed up
		d := lead("丁", "滤南", 20*day)
		f := lead("戊", "滤外", time.Hour) // a region outside the tree
		pool := admin.Do("POST", "/api/v1/pools", map[string]any{"name": "筛选池", "department_id": plDepts(t, admin)["上海一组"]}).Want(201).Map()
		pid := pool["id"].(string)
		admin.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "move_to_pool", "ids": []string{c["id"].(string), d["id"].(string)},
			"pool_id": pid, "reason": "冷却"}).Want(200)
		q := url.QueryEscape
		at := func(d time.Duration) string { return q(now.Add(-d).Format(time.RFC3339)) }
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"region=" + q("滤东"), ids(a, b, c)},
			{"region=" + q("滤沪"), ids(b, c)},
			{"region=" + q("滤浦"), ids(c)},
			{"region=" + q("滤外"), ids(f)},
			{"region=" + q("没有"), ids()},
			{"pool_id=" + pid, ids(c, d)},
			{"pool_id=" + pid + "&region=" + q("滤东"), ids(c)},
			{"last_follow_up_from=" + at(5*day), ids(b, f)},
			{"last_follow_up_to=" + at(5*day), ids(a, d)},
			{"last_follow_up_from=" + at(15*day) + "&last_follow_up_to=" + at(2*day), ids(a, b)},
			{"last_follow_up_to=" + at(5*day) + "&region=" + q("滤东"), ids(a)},
		} {
			if got := leadIDs(t, admin, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("?%s: %v, want %v", tc.query, got, tc.want)
			}
		}
		if p := admin.Do("GET", "/api/v1/leads?last_follow_up_from="+at(day)+"&last_follow_up_to="+at(2*day), nil).Want(422).Problem(); !p.Names("query.last_follow_up_to") {
			t.Fatalf("reversed last follow-up range: %+v", p)
		}
		admin.Do("GET", "/api/v1/leads?pool_id=pool", nil).Want(422)
		// A bulk action by filter takes the same filters.
		before := auditCount(t, e)
		if p := admin.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "delete", "filter": map[string]any{
			"last_follow_up_from": now.Add(-day).Format(time.RFC3339), "last_follow_up_to": now.Add(-2 * day).Format(time.RFC3339)}}).Want(422).Problem(); !p.Names("body.filter.last_follow_up_to") {
			t.Fatalf("bulk reversed range: %+v", p)
		}
		if after := auditCount(t, e); after != before {
			t.Fatalf("a refused bulk action wrote %d audit entries", after-before)
		}
		r := admin.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "assign", "owner_id": rep1, "reason": "捞回",
			"filter": map[string]any{"pool_id": pid, "region": "滤东"}}).Want(200).Map()
		if r["affected"] != float64(1) {
			t.Fatalf("bulk assign by pool and region: %v", r)
		}
		if got := leadIDs(t, admin, "pool_id="+pid); !slices.Equal(got, ids(d)) {
			t.Fatalf("pool after the bulk assign: %v", got)
		}
		r = admin.Do("POST", "/api/v1/leads/bulk", map[string]any{"action": "delete",
			"filter": map[string]any{"last_follow_up_to": now.Add(-5 * day).Format(time.RFC3339)}}).Want(200).Map()
		if r["affected"] != float64(2) {
			t.Fatalf("bulk delete by last follow-up: %v", r)
		}
		if got := leadIDs(t, admin, ""); !slices.Equal(got, ids(b, c, f)) {
			t.Fatalf("after deleting the stale leads: %v", got)
		}
	})
}

// TestLeadKeysetPaging pages through 33 leads in every sort, with ties and
// leads never followed up, and requires each lead exactly once, in order.
func TestLeadKeysetPaging(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		base := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		const n = 33
		for i := range n {
			body := map[string]any{"contact_name": fmt.Sprintf("客户%02d", i), "score": (i * 7) % 5 * 20, "allow_duplicate": true}
			l := newLead(t, admin, body)
			if i%3 != 0 { // a third never followed up; the others share a few times
				setLastFollowUp(t, e, l["id"].(string), base.Add(time.Duration(i%4)*90*time.Minute).Add(time.Duration(i%2)*123456*time.Microsecond))
			}
		}
		for _, sort := range []string{"created_at", "-created_at", "last_follow_up_at", "-last_follow_up_at", "score", "-score"} {
			var all []map[string]any
			seen := map[string]bool{}
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > n {
					t.Fatalf("sort %s: paging does not end", sort)
				}
				var page leadPage
				admin.Do("GET", "/api/v1/leads?limit=4&sort="+sort+"&cursor="+cursor, nil).Want(200).JSON(&page)
				for _, l := range page.Items {
					if seen[l["id"].(string)] {
						t.Fatalf("sort %s: %s twice", sort, l["contact_name"])
					}
					seen[l["id"].(string)] = true
					all = append(all, l)
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			if len(all) != n {
				t.Fatalf("sort %s: %d leads, want %d", sort, len(all), n)
			}
			for i := 1; i < len(all); i++ {
				if c := compareLeads(sort, all[i-1], all[i]); c >= 0 {
					t.Fatalf("sort %s: %v before %v", sort, all[i-1], all[i])
				}
			}
		}
		p := admin.Do("GET", "/api/v1/leads?sort=score&cursor="+
			admin.Do("GET", "/api/v1/leads?limit=2&sort=-score", nil).Map()["next_cursor"].(string), nil).Want(422).Problem()
		if !p.Names("query.cursor") {
			t.Fatalf("cross-sort cursor: %+v", p)
		}
	})
}

// compareLeads orders two leads as sort promises: the key, NULLs last in
// both directions, then the id in the key's direction.
func compareLeads(sort string, a, b map[string]any) int {
	desc := strings.HasPrefix(sort, "-")
	flip := func(c int) int {
		if desc {
			return -c
		}
		return c
	}
	byID := flip(strings.Compare(a["id"].(string), b["id"].(string)))
	switch strings.TrimPrefix(sort, "-") {
	case "score":
		if c := flip(int(a["score"].(float64)) - int(b["score"].(float64))); c != 0 {
			return c
		}
	case "last_follow_up_at":
		av, bv := a["last_follow_up_at"], b["last_follow_up_at"]
		switch {
		case av == nil && bv == nil:
		case av == nil:
			return 1
		case bv == nil:
			return -1
		default:
			at, _ := time.Parse(time.RFC3339Nano, av.(string))
			bt, _ := time.Parse(time.RFC3339Nano, bv.(string))
			if c := flip(at.Compare(bt)); c != 0 {
				return c
			}
		}
	}
	return byID
}

func TestLeadDataScope(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep1c, rep2c, mgr := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local"), e.Demo("east1.manager@demo.local")
		hz := e.Demo("east2.rep1@demo.local")
		rep1, rep2, rep3, hzRep := me(t, rep1c), me(t, rep2c), me(t, e.Demo("east1.rep3@demo.local")), me(t, hz)
		l1 := newLead(t, admin, map[string]any{"contact_name": "一", "owner_id": rep1["id"]})
		l2 := newLead(t, admin, map[string]any{"contact_name": "二", "owner_id": rep2["id"]})
		l3 := newLead(t, admin, map[string]any{"contact_name": "三", "owner_id": hzRep["id"]})
		if l3["department_id"] != hzRep["department_id"] || l3["owner_name"] != "杨帆" {
			t.Fatalf("assigned lead: %v", l3)
		}
		for _, c := range []struct {
			who  *apitest.Client
			want []string
		}{
			{rep1c, ids(l1)}, {rep2c, ids(l2)}, {hz, ids(l3)}, {mgr, ids(l1, l2)},
			{e.Demo("director@demo.local"), ids(l1, l2, l3)}, {e.Demo("east2.manager@demo.local"), ids(l3)},
		} {
			if got := leadIDs(t, c.who, ""); !slices.Equal(got, c.want) {
				t.Errorf("%s sees %v, want %v", me(t, c.who)["email"], got, c.want)
			}
		}
		// Out of scope is not found, for every way in.
		id := l1["id"].(string)
		for _, c := range []*apitest.Client{rep2c, hz} {
			c.Do("GET", "/api/v1/leads/"+id, nil).Want(404)
			c.Do("GET", "/api/v1/leads/"+id+"/history", nil).Want(404)
			c.Do("PATCH", "/api/v1/leads/"+id, map[string]any{"title": "x"}, "If-Match", `"1"`).Want(404)
			c.Do("DELETE", "/api/v1/leads/"+id, nil, "If-Match", `"1"`).Want(404)
		}
		mgr.Do("GET", "/api/v1/leads/"+id, nil).Want(200)
		// A rep may not give leads away; a manager only within the team.
		rep1c.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "四", "owner_id": rep2["id"]}).Want(403)
		rep1c.Do("POST", "/api/v1/leads/"+id+"/assign", map[string]any{"owner_id": rep2["id"], "reason": "x"}).Want(403)
		newLead(t, rep1c, map[string]any{"contact_name": "四", "owner_id": rep1["id"]}) // to oneself is fine
		if p := mgr.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "五", "owner_id": hzRep["id"]}).Want(422).Problem(); !p.Names("body.owner_id") {
			t.Fatalf("assign outside the team: %+v", p)
		}
		mgr.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "五", "owner_id": "0190a000-0000-7000-8000-000000000000"}).Want(422)
		five := newLead(t, mgr, map[string]any{"contact_name": "五", "owner_id": rep3["id"]})
		if five["department_id"] != rep3["department_id"] {
			t.Fatalf("department of an assigned lead: %v", five)
		}
		// Reassigned out of the team, the lead leaves the manager's scope.
		admin.Do("POST", "/api/v1/leads/"+id+"/assign", map[string]any{"owner_id": hzRep["id"], "reason": "调往杭州"}).Want(200)
		moved := admin.Do("GET", "/api/v1/leads/"+id, nil).Want(200).Map()
		if moved["department_id"] != hzRep["department_id"] || moved["owner_name"] != "杨帆" {
			t.Fatalf("reassigned: %v", moved)
		}
		mgr.Do("GET", "/api/v1/leads/"+id, nil).Want(404)
		rep1c.Do("GET", "/api/v1/leads/"+id, nil).Want(404)
		hz.Do("GET", "/api/v1/leads/"+id, nil).Want(200)
	})
}

func TestLeadTenantIsolation(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		l := newLead(t, admin, map[string]any{"contact_name": "马云", "phone": "13912345678", "company": "阿里巴巴集团"})
		id := l["id"].(string)
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家公司", "name": "外人",
			"email": "outsider@other.test", "password": "outsider password"}).Want(201)
		other := e.Login("outsider@other.test", "outsider password")
		other.Do("GET", "/api/v1/leads/"+id, nil).Want(404)
		other.Do("GET", "/api/v1/leads/"+id+"/history", nil).Want(404)
		other.Do("PATCH", "/api/v1/leads/"+id, map[string]any{"title": "x"}, "If-Match", `"1"`).Want(404)
		other.Do("DELETE", "/api/v1/leads/"+id, nil, "If-Match", `"1"`).Want(404)
		if got := leadIDs(t, other, ""); len(got) != 0 {
			t.Fatalf("other tenant lists %v", got)
		}
		var found struct{ Items []map[string]any }
		other.Do("GET", "/api/v1/leads/duplicates?phone=13912345678&company="+url.QueryEscape("阿里巴巴"), nil).Want(200).JSON(&found)
		if len(found.Items) != 0 {
			t.Fatalf("duplicates across tenants: %v", found.Items)
		}
		// The same lead in the other tenant is no duplicate.
		newLead(t, other, map[string]any{"contact_name": "马云", "phone": "13912345678", "company": "阿里巴巴集团"})
		admin.Do("GET", "/api/v1/leads/"+id, nil).Want(200)
	})
}

func TestLeadBadInput(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		existing := newLead(t, admin, map[string]any{"contact_name": "已有"})
		path := "/api/v1/leads/" + existing["id"].(string)
		before := auditCount(t, e)
		for _, c := range []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"malformed json", "POST", "/api/v1/leads", `{"contact_name": `, 400, ""},
			{"unknown field", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "colour": "red"}, 422, "body.colour"},
			{"missing name", "POST", "/api/v1/leads", map[string]any{"company": "a"}, 422, ""},
			{"empty name", "POST", "/api/v1/leads", map[string]any{"contact_name": ""}, 422, "body.contact_name"},
			{"overlong", "POST", "/api/v1/leads", map[string]any{"contact_name": strings.Repeat("长", 61)}, 422, "body.contact_name"},
			{"overlong notes", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "notes": strings.Repeat("x", 2001)}, 422, "body.notes"},
			{"control char", "POST", "/api/v1/leads", map[string]any{"contact_name": "a\u0007b"}, 422, "body.contact_name"},
			{"bidi override", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "company": "gpj.\u202eexe"}, 422, "body.company"},
			{"bad phone", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "phone": "call me"}, 422, "body.phone"},
			{"bad email", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "email": "nobody"}, 422, "body.email"},
			{"score too high", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "score": 101}, 422, "body.score"},
			{"negative score", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "score": -1}, 422, "body.score"},
			{"bad date", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "next_follow_up_at": "tomorrow"}, 422, "body.next_follow_up_at"},
			{"bad owner id", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "owner_id": "someone"}, 422, "body.owner_id"},
			{"bad status", "POST", "/api/v1/leads", map[string]any{"contact_name": "a", "status": "qualified"}, 422, "body.status"},
			{"bad id", "GET", "/api/v1/leads/not-an-id", nil, 422, "path.id"},
			{"bad patch id", "PATCH", "/api/v1/leads/42", map[string]any{"title": "x"}, 422, "path.id"},
			{"bad enum", "PATCH", path, map[string]any{"status": "won"}, 422, "body.status"},
			{"unknown patch field", "PATCH", path, map[string]any{"tenant_id": "x"}, 422, "body.tenant_id"},
			{"null name", "PATCH", path, map[string]any{"contact_name": ""}, 422, "body.contact_name"},
			{"bad list status", "GET", "/api/v1/leads?status=won", nil, 422, "query.status"},
			{"bad list date", "GET", "/api/v1/leads?created_from=yesterday", nil, 422, "query.created_from"},
			{"reversed range", "GET", "/api/v1/leads?created_from=2025-02-01T00:00:00Z&created_to=2025-01-01T00:00:00Z", nil, 422, "query.created_to"},
			{"reversed follow-up range", "GET", "/api/v1/leads?follow_up_from=2025-02-01T00:00:00Z&follow_up_to=2025-01-01T00:00:00Z", nil, 422, "query.follow_up_to"},
			{"bad sort", "GET", "/api/v1/leads?sort=name", nil, 422, "query.sort"},
			{"bad owner filter", "GET", "/api/v1/leads?owner_id=me", nil, 422, "query.owner_id"},
			{"bad cursor", "GET", "/api/v1/leads?cursor=!!", nil, 422, "query.cursor"},
			{"forged cursor", "GET", "/api/v1/leads?sort=score&cursor=eyJzIjoic2NvcmUiLCJrIjpbIngiLCJ5Il19", nil, 422, "query.cursor"},
			{"overlong q", "GET", "/api/v1/leads?q=" + strings.Repeat("a", 101), nil, 422, "query.q"},
			{"control char q", "GET", "/api/v1/leads?q=a%00b", nil, 422, "query.q"},
			{"overlong duplicate phone", "GET", "/api/v1/leads/duplicates?phone=" + strings.Repeat("1", 31), nil, 422, "query.phone"},
		} {
			headers := []string{"If-Match", `"1"`}
			r := admin.Do(c.method, c.path, c.body, headers...)
			if r.Status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, r.Status, c.status, r.Body)
				continue
			}
			if p := r.Problem(); c.field != "" && !p.Names(c.field) {
				t.Errorf("%s: problem does not name %s: %s", c.name, c.field, r.Body)
			}
		}
		if got := leadIDs(t, admin, ""); len(got) != 1 {
			t.Fatalf("bad input wrote leads: %v", got)
		}
		if after := auditCount(t, e); after != before {
			t.Fatalf("bad input wrote %d audit entries", after-before)
		}
		if got := admin.Do("GET", path, nil).Want(200).Map(); got["version"].(float64) != 1 {
			t.Fatalf("bad patches changed the lead: %v", got)
		}
	})
}

// PATCH clears the next follow-up date with JSON null; an absent key leaves it.
func TestLeadPatchClearsFollowUpDates(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		l := newLead(t, rep, map[string]any{"contact_name": "清空日期", "next_follow_up_at": "2030-01-02T03:04:05Z"})
		path := "/api/v1/leads/" + l["id"].(string)
		// Absent: unchanged.
		got := rep.Do("PATCH", path, map[string]any{"notes": "改备注"}, "If-Match", `"1"`).Want(200).Map()
		if got["next_follow_up_at"] != "2030-01-02T03:04:05Z" {
			t.Fatalf("an absent key changed the date: %v", got)
		}
		got = rep.Do("PATCH", path, map[string]any{"next_follow_up_at": "2030-02-03T00:00:00Z"}, "If-Match", `"2"`).Want(200).Map()
		if got["next_follow_up_at"] != "2030-02-03T00:00:00Z" || got["version"] != float64(3) {
			t.Fatalf("after setting next: %v", got)
		}
		got = rep.Do("PATCH", path, map[string]any{"next_follow_up_at": nil}, "If-Match", `"3"`).Want(200).Map()
		if got["next_follow_up_at"] != nil || got["version"] != float64(4) {
			t.Fatalf("after clearing next: %v", got)
		}
		// Clearing what is already empty writes nothing; a bad date names the field.
		if v := rep.Do("PATCH", path, map[string]any{"next_follow_up_at": nil}, "If-Match", `"4"`).Want(200).Map()["version"]; v != float64(4) {
			t.Fatalf("no-op clear bumped the version to %v", v)
		}
		if p := rep.Do("PATCH", path, map[string]any{"next_follow_up_at": "soon"}, "If-Match", `"4"`).Want(422).Problem(); !p.Names("body.next_follow_up_at") {
			t.Fatalf("bad date: %+v", p)
		}
		if p := rep.Do("PATCH", path, map[string]any{"next_follow_up_at": 5}, "If-Match", `"4"`).Want(422).Problem(); !p.Names("body.next_follow_up_at") {
			t.Fatalf("number for a date: %+v", p)
		}
		// The history records the clearing.
		var hist struct{ Items []map[string]any }
		rep.Do("GET", path+"/history", nil).Want(200).JSON(&hist)
		found := false
		for _, h := range hist.Items {
			for _, c := range h["changes"].([]any) {
				c := c.(map[string]any)
				found = found || (c["field"] == "next_follow_up_at" && c["new"] == nil && c["old"] != nil)
			}
		}
		if !found {
			t.Fatalf("history has no clearing of next_follow_up_at: %v", hist.Items)
		}
	})
}

// The pool clock moves only with recorded follow-ups, and the owner only
// through an assignment with a reason: a create or PATCH that tries either
// is refused naming the field, and writes nothing.
func TestLeadClockAndOwnerNotPatchable(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		mgr := e.Demo("east1.manager@demo.local")
		rep1, rep2 := me(t, e.Demo("east1.rep1@demo.local"))["id"].(string), me(t, e.Demo("east1.rep2@demo.local"))["id"].(string)
		l := newLead(t, mgr, map[string]any{"contact_name": "守时", "owner_id": rep1})
		id, path := l["id"].(string), "/api/v1/leads/"+l["id"].(string)
		before := auditCount(t, e)
		for _, c := range []struct {
			name, method string
			body         map[string]any
			field        string
		}{
			{"create with a past clock", "POST", map[string]any{"contact_name": "旧", "last_follow_up_at": "2020-01-01T00:00:00Z"}, "body.last_follow_up_at"},
			{"create with a future clock", "POST", map[string]any{"contact_name": "新", "last_follow_up_at": "2099-01-01T00:00:00Z"}, "body.last_follow_up_at"},
			{"patch a future clock", "PATCH", map[string]any{"last_follow_up_at": "2099-01-01T00:00:00Z"}, "body.last_follow_up_at"},
			{"patch the clock away", "PATCH", map[string]any{"last_follow_up_at": nil}, "body.last_follow_up_at"},
			{"patch another owner", "PATCH", map[string]any{"owner_id": rep2, "title": "经理"}, "body.owner_id"},
		} {
			target := "/api/v1/leads"
			if c.method == "PATCH" {
				target = path
			}
			p := mgr.Do(c.method, target, c.body, "If-Match", `"1"`).Want(422).Problem()
			if !p.Names(c.field) {
				t.Errorf("%s: problem does not name %s: %+v", c.name, c.field, p)
			}
			if c.field == "body.owner_id" && !strings.Contains(p.Detail+fmt.Sprint(p.Errors), "/api/v1/leads/"+id+"/assign") {
				t.Errorf("%s: the problem does not point to the assign route: %+v", c.name, p)
			}
		}
		if got := leadIDs(t, mgr, ""); !slices.Equal(got, []string{id}) {
			t.Fatalf("refused creates wrote leads: %v", got)
		}
		got := mgr.Do("GET", path, nil).Want(200).Map()
		if got["version"] != float64(1) || got["owner_id"] != rep1 || got["last_follow_up_at"] != nil || got["title"] != "" {
			t.Fatalf("refused patches changed the lead: %v", got)
		}
		if after := auditCount(t, e); after != before {
			t.Fatalf("refused requests wrote %d audit entries", after-before)
		}
		if ev := plEvents(t, mgr, id); len(ev) != 0 {
			t.Fatalf("refused owner change has pool events: %v", ev)
		}
		// The form may send the owner back unchanged with its other edits.
		if got := mgr.Do("PATCH", path, map[string]any{"owner_id": rep1, "title": "经理"}, "If-Match", `"1"`).Want(200).Map(); got["title"] != "经理" || got["owner_id"] != rep1 {
			t.Fatalf("patch with the same owner: %v", got)
		}
		// The owner changes by assignment, with its reason in the pool history.
		mgr.Do("POST", path+"/assign", map[string]any{"owner_id": rep2, "reason": "客户要求换人"}).Want(200)
		if got := mgr.Do("GET", path, nil).Want(200).Map(); got["owner_id"] != rep2 {
			t.Fatalf("after assign: %v", got)
		}
		if ev := plEvents(t, mgr, id); len(ev) != 1 || ev[0] != "assign:"+rep2+":客户要求换人" {
			t.Fatalf("assign events: %v", ev)
		}
	})
}
