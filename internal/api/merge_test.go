package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

type clusterPage struct {
	Items []struct {
		ID    string
		Leads []struct {
			ID, ContactName, Status string
			OwnerName               string `json:"owner_name"`
		}
		Matches []struct {
			On, Key string
			LeadIDs []string `json:"lead_ids"`
		}
	}
	NextCursor string `json:"next_cursor"`
}

func clusters(t *testing.T, c *apitest.Client, query string) clusterPage {
	t.Helper()
	var page clusterPage
	c.Do("GET", "/api/v1/leads/duplicate-clusters"+query, nil).Want(200).JSON(&page)
	return page
}

// clusterSets renders each cluster as its sorted member ids.
func clusterSets(p clusterPage) [][]string {
	out := [][]string{}
	for _, c := range p.Items {
		var m []string
		for _, l := range c.Leads {
			m = append(m, l.ID)
		}
		slices.Sort(m)
		out = append(out, m)
	}
	return out
}

func TestDuplicateClusters(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep1, rep2 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local")
		mgr := e.Demo("east1.manager@demo.local")
		dup := func(c *apitest.Client, body map[string]any) map[string]any {
			body["allow_duplicate"] = true
			return newLead(t, c, body)
		}
		// A~B by phone (typed differently), B~C by company (legal form and
		// region prefix ignored): one cluster. D~F by email, alone otherwise.
		a := dup(rep1, map[string]any{"contact_name": "赵一", "phone": "+86 138-0000-1111", "company": "锦程科技"})
		b := dup(rep1, map[string]any{"contact_name": "赵二", "phone": "13800001111", "company": "蓝海制造有限公司"})
		c := dup(rep1, map[string]any{"contact_name": "赵三", "phone": "13900002222", "company": "（上海）蓝海制造"})
		d := dup(rep1, map[string]any{"contact_name": "钱一", "email": "Qian@Example.com"})
		f := dup(rep1, map[string]any{"contact_name": "钱二", "email": "qian@example.com"})
		dup(rep1, map[string]any{"contact_name": "孙一", "phone": "13700003333"}) // no duplicate
		// rep2's lead shares A's phone: outside rep1's scope, inside the manager's.
		x := dup(rep2, map[string]any{"contact_name": "李四", "phone": "13800001111"})
		// A converted duplicate is not open: left out.
		conv := dup(rep1, map[string]any{"contact_name": "已转化", "email": "qian@example.com"})
		rep1.Do("POST", "/api/v1/leads/"+conv["id"].(string)+"/convert", map[string]any{"customer": map[string]any{"name": "钱氏公司"}}).Want(201)

		p := clusters(t, rep1, "")
		want := [][]string{ids(d, f), ids(a, b, c)} // newest cluster first: F is the newest member
		if got := clusterSets(p); fmt.Sprint(got) != fmt.Sprint(want) || p.NextCursor != "" {
			t.Fatalf("rep clusters: %v, want %v", got, want)
		}
		if p.Items[0].ID != f["id"] || p.Items[1].ID != c["id"] || p.Items[1].Leads[0].ID != c["id"] || p.Items[1].Leads[0].OwnerName != "李娜" {
			t.Fatalf("cluster ids and order: %+v", p.Items)
		}
		on := map[string]string{}
		for _, m := range p.Items[1].Matches {
			got := slices.Clone(m.LeadIDs)
			slices.Sort(got)
			on[m.On] = fmt.Sprint(got)
		}
		if len(on) != 2 || on["phone"] != fmt.Sprint(ids(a, b)) || on["company"] != fmt.Sprint(ids(b, c)) {
			t.Fatalf("matches: %+v", p.Items[1].Matches)
		}
		if m := p.Items[0].Matches; len(m) != 1 || m[0].On != "email" || m[0].Key != "qian@example.com" {
			t.Fatalf("email match: %+v", m)
		}
		// Keyset paging, one cluster a page.
		p1 := clusters(t, rep1, "?limit=1")
		if len(p1.Items) != 1 || p1.Items[0].ID != f["id"] || p1.NextCursor == "" {
			t.Fatalf("page 1: %+v", p1)
		}
		p2 := clusters(t, rep1, "?limit=1&cursor="+p1.NextCursor)
		if len(p2.Items) != 1 || p2.Items[0].ID != c["id"] || p2.NextCursor != "" {
			t.Fatalf("page 2: %+v", p2)
		}
		rep1.Do("GET", "/api/v1/leads/duplicate-clusters?cursor=bogus", nil).Want(400, 422)
		// The manager sees rep2's lead join the cluster.
		if got := clusterSets(clusters(t, mgr, "")); fmt.Sprint(got) != fmt.Sprint([][]string{ids(a, b, c, x), ids(d, f)}) {
			t.Fatalf("manager clusters: %v", got)
		}
		if got := clusterSets(clusters(t, rep2, "")); len(got) != 0 {
			t.Fatalf("rep2 clusters: %v", got)
		}
		e.Demo("finance@demo.local").Do("GET", "/api/v1/leads/duplicate-clusters", nil).Want(403)
	})
}

// leadHistory lists a lead's audit entries as field → [old, new] maps, newest first.
func leadHistory(t *testing.T, c *apitest.Client, id string) []map[string][2]any {
	t.Helper()
	var hist struct {
		Items []struct {
			Changes []struct {
				Field    string
				Old, New any
			}
		}
	}
	c.Do("GET", "/api/v1/leads/"+id+"/history", nil).Want(200).JSON(&hist)
	var out []map[string][2]any
	for _, it := range hist.Items {
		m := map[string][2]any{}
		for _, ch := range it.Changes {
			m[ch.Field] = [2]any{ch.Old, ch.New}
		}
		out = append(out, m)
	}
	return out
}

func TestMergeLeads(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		deps, users := plDepts(t, admin), plUsers(t, admin)
		rep1, rep2 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local")
		mgr := e.Demo("east1.manager@demo.local")
		mgr.Do("POST", "/api/v1/pools", map[string]any{"name": "上海一组公海", "department_id": deps["上海一组"],
			"member_ids": []string{users["east1.rep1@demo.local"]}}).Want(201)
		a := newLead(t, rep1, map[string]any{"contact_name": "赵敏", "phone": "13800001111", "company": "锦程科技", "score": 10})
		b := newLead(t, rep1, map[string]any{"contact_name": "赵敏", "phone": "13800001111", "email": "zhao@jc.example",
			"score": 70, "allow_duplicate": true})
		c := newLead(t, rep1, map[string]any{"contact_name": "赵小姐", "company": "锦程科技有限公司", "allow_duplicate": true})
		other := newLead(t, rep2, map[string]any{"contact_name": "别人的", "phone": "13800001111", "allow_duplicate": true})
		ap, bp, cp := "/api/v1/leads/"+a["id"].(string), "/api/v1/leads/"+b["id"].(string), "/api/v1/leads/"+c["id"].(string)
		noteB := newActivity(t, rep1, map[string]any{"kind": "note", "subject_type": "lead", "subject_id": b["id"], "title": "B 的备注"})
		callC := newActivity(t, rep1, map[string]any{"kind": "call", "status": "done", "subject_type": "lead", "subject_id": c["id"],
			"title": "C 的电话", "occurred_at": "2026-01-02T03:04:05Z"})
		fileB := attach(t, rep1, "lead", b["id"].(string), "名片.png", pngBytes()).Want(201).Map()
		// C goes to the pool: a pool event, and out of rep1's scope (the manager's still).
		rep1.Do("POST", cp+"/return", map[string]any{"reason": "暂无意向"}).Want(200)
		c = mgr.Do("GET", cp, nil).Want(200).Map()
		if len(plEvents(t, mgr, c["id"].(string))) != 1 {
			t.Fatalf("pool events of C: %v", plEvents(t, mgr, c["id"].(string)))
		}
		conv := newLead(t, rep1, map[string]any{"contact_name": "已转化", "allow_duplicate": true})
		rep1.Do("POST", "/api/v1/leads/"+conv["id"].(string)+"/convert", map[string]any{"customer": map[string]any{"name": "转化公司"}}).Want(201)
		before := auditCount(t, e)

		// Refusals, none of which writes anything.
		rep2.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{other["id"]}}, "If-Match", `"1"`).Want(404)
		if p := rep1.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{other["id"]}}, "If-Match", `"1"`).Want(422).Problem(); !p.Names("body.from_ids") {
			t.Fatalf("someone else's lead: %+v", p)
		}
		if p := rep1.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{a["id"]}}, "If-Match", `"1"`).Want(422).Problem(); !p.Names("body.from_ids") {
			t.Fatalf("into itself: %+v", p)
		}
		if p := rep1.Do("POST", ap+"/merge", map[string]any{}, "If-Match", `"1"`).Want(422).Problem(); !p.Names("body.from_ids") {
			t.Fatalf("nothing to merge: %+v", p)
		}
		rep1.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{b["id"]}}, "If-Match", `"7"`).Want(412)
		rep1.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{b["id"]}}).Want(422)
		if p := rep1.Do("POST", "/api/v1/leads/"+conv["id"].(string)+"/merge", map[string]any{"from_ids": []any{b["id"]}},
			"If-Match", `"2"`).Want(422).Problem(); !p.Names("path.id") {
			t.Fatalf("into a converted lead: %+v", p)
		}
		if p := rep1.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{b["id"]}, "fields": map[string]any{"owner_id": b["id"]}},
			"If-Match", `"1"`).Want(422).Problem(); !p.Names("body.fields.owner_id") {
			t.Fatalf("unknown field: %+v", p)
		}
		if p := rep1.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{b["id"]}, "fields": map[string]any{"email": other["id"]}},
			"If-Match", `"1"`).Want(422).Problem(); !p.Names("body.fields.email") {
			t.Fatalf("field from a lead outside the merge: %+v", p)
		}
		// Atomicity: B is merged first, then the converted lead is refused;
		// B's merge and its moved note are undone with it.
		if p := rep1.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{b["id"], conv["id"]}}, "If-Match", `"1"`).Want(422).Problem(); !p.Names("body.from_ids") {
			t.Fatalf("converted source: %+v", p)
		}
		if got := rep1.Do("GET", bp, nil).Want(200).Map(); got["merged_into_id"] != nil || got["status"] != "new" || got["version"].(float64) != 1 {
			t.Fatalf("B after the refused merge: %v", got)
		}
		if got := activityIDs(t, rep1, "?subject_type=lead&subject_id="+b["id"].(string)); !slices.Equal(got, []string{noteB["id"].(string)}) {
			t.Fatalf("B's activities after the refused merge: %v", got)
		}
		if after := auditCount(t, e); after != before {
			t.Fatalf("refused merges wrote %d audit entries", after-before)
		}

		// The manager merges B and the pooled C into A, taking B's email and score.
		r := mgr.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{b["id"], c["id"], b["id"]},
			"fields": map[string]any{"email": b["id"], "score": b["id"], "contact_name": a["id"]}}, "If-Match", `"1"`).Want(200)
		got := r.Map()
		if r.Header.Get("ETag") != `"2"` || got["email"] != "zhao@jc.example" || got["score"].(float64) != 70 ||
			got["contact_name"] != "赵敏" || got["phone"] != "13800001111" || got["merged_into_id"] != nil ||
			got["last_follow_up_at"] != "2026-01-02T03:04:05Z" {
			t.Fatalf("survivor: %s %v", r.Header.Get("ETag"), got)
		}
		for _, p := range []string{bp, cp} {
			m := mgr.Do("GET", p, nil).Want(200).Map()
			if m["merged_into_id"] != a["id"] || m["status"] != "disqualified" || m["disqualify_reason"] != "merged into "+a["id"].(string) ||
				m["pool_id"] != nil || m["merged_at"] == nil {
				t.Fatalf("merged lead %s: %v", p, m)
			}
		}
		// Children moved: activities, attachments, pool events.
		if got := activityIDs(t, rep1, "?subject_type=lead&subject_id="+a["id"].(string)); !slices.Equal(slices.Sorted(slices.Values(got)), ids(noteB, callC)) {
			t.Fatalf("A's activities: %v", got)
		}
		if got := attachmentIDs(t, rep1, "?object_type=lead&object_id="+a["id"].(string)); !slices.Equal(got, []string{fileB["id"].(string)}) {
			t.Fatalf("A's attachments: %v", got)
		}
		if ev := plEvents(t, mgr, a["id"].(string)); len(ev) != 1 || plEvents(t, mgr, c["id"].(string)) != nil {
			t.Fatalf("pool events after merge: A %v, C %v", ev, plEvents(t, mgr, c["id"].(string)))
		}
		// Both histories: "merged into" on each merged lead, "merged from" with the taken fields on A.
		ha := leadHistory(t, rep1, a["id"].(string))
		if ha[0]["merged_from"][1] == nil || fmt.Sprint(ha[0]["merged_from"][1]) != fmt.Sprint([]any{b["id"], c["id"]}) ||
			ha[0]["email"] != [2]any{"", "zhao@jc.example"} || ha[0]["score"] != [2]any{float64(10), float64(70)} || len(ha[0]) != 4 {
			t.Fatalf("survivor history entry: %v", ha[0])
		}
		for _, id := range []string{b["id"].(string), c["id"].(string)} {
			h := leadHistory(t, mgr, id)
			if h[0]["merged_into_id"] != [2]any{nil, a["id"]} || h[0]["status"][1] != "disqualified" || len(h) < 2 {
				t.Fatalf("merged history of %s: %v", id, h)
			}
		}
		// Gone from lists, duplicate checks and clusters; kept read-only.
		if got := leadIDs(t, rep1, ""); slices.Contains(got, b["id"].(string)) || !slices.Contains(got, a["id"].(string)) {
			t.Fatalf("rep1's list after merge: %v", got)
		}
		var dups struct{ Items []map[string]any }
		rep1.Do("GET", "/api/v1/leads/duplicates?phone=13800001111", nil).Want(200).JSON(&dups)
		for _, m := range dups.Items {
			if m["id"] == b["id"] {
				t.Fatalf("merged lead still a duplicate match: %v", dups.Items)
			}
		}
		if got := clusterSets(clusters(t, mgr, "")); fmt.Sprint(got) != fmt.Sprint([][]string{ids(a, other)}) {
			t.Fatalf("clusters after merge: %v", got)
		}
		mgr.Do("PATCH", bp, map[string]any{"status": "new"}, "If-Match", `"2"`).Want(409)
		mgr.Do("DELETE", bp, nil, "If-Match", `"2"`).Want(409)
		if p := mgr.Do("POST", ap+"/merge", map[string]any{"from_ids": []any{b["id"]}}, "If-Match", `"2"`).Want(422).Problem(); !p.Names("body.from_ids") {
			t.Fatalf("merging a merged lead again: %+v", p)
		}
	})
}
