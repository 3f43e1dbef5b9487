package api_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/api"
	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

func newCustomer(t *testing.T, c *apitest.Client, body map[string]any) map[string]any {
	t.Helper()
	return c.Do("POST", "/api/v1/customers", body).Want(201).Map()
}

func newContact(t *testing.T, c *apitest.Client, body map[string]any) map[string]any {
	t.Helper()
	return c.Do("POST", "/api/v1/contacts", body).Want(201).Map()
}

// listIDs lists the ids of the first page of a list, sorted.
func listIDs(t *testing.T, c *apitest.Client, path string) []string {
	t.Helper()
	var page leadPage
	c.Do("GET", path, nil).Want(200).JSON(&page)
	out := []string{}
	for _, x := range page.Items {
		out = append(out, x["id"].(string))
	}
	slices.Sort(out)
	return out
}

// rows counts the rows of a table (across tenants), straight from the database.
func rows(t *testing.T, e *apitest.Env, table string) int64 {
	t.Helper()
	n, err := e.DB.Read.NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type history struct {
	Items []struct {
		Action    string
		RequestID string `json:"request_id"`
		Changes   []struct {
			Field    string
			Old, New any
		}
	}
}

func historyOf(t *testing.T, c *apitest.Client, path string) history {
	t.Helper()
	var h history
	c.Do("GET", path+"/history", nil).Want(200).JSON(&h)
	return h
}

func TestCustomerLifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		self := me(t, rep)
		r := rep.Do("POST", "/api/v1/customers", map[string]any{"name": "（上海）远景能源有限公司", "phone": "021-6888 1234",
			"industry": "能源", "size": "large", "key_customer": true, "region": "华东"}).Want(201)
		c := r.Map()
		id := c["id"].(string)
		if r.Header.Get("ETag") != `"1"` || c["owner_id"] != self["id"] || c["department_id"] != self["department_id"] ||
			c["owner_name"] != "李娜" || c["grade"] != "C" || c["score"] != 30.0 || c["key_customer"] != true || c["lead_id"] != nil {
			t.Fatalf("created: %s %v", r.Header.Get("ETag"), c)
		}
		for _, k := range []string{"phone_key", "email_key", "company_key", "tenant_id"} {
			if _, ok := c[k]; ok {
				t.Fatalf("internal field %s in the answer", k)
			}
		}
		path := "/api/v1/customers/" + id
		rep.Do("GET", path, nil).Want(200)
		if got := listIDs(t, rep, "/api/v1/customers"); !slices.Equal(got, []string{id}) {
			t.Fatalf("list: %v", got)
		}
		// Patch with If-Match (the score stays: both industries are in the default scoring model); a no-op keeps the version.
		upd := rep.Do("PATCH", path, map[string]any{"industry": "金融", "address": "浦东新区"}, "If-Match", `"1"`).Want(200)
		if upd.Header.Get("ETag") != `"2"` || upd.Map()["grade"] != "C" || upd.Map()["address"] != "浦东新区" {
			t.Fatalf("patch: %s", upd.Body)
		}
		rep.Do("PATCH", path, map[string]any{"address": "浦东新区"}, "If-Match", `"2"`).Want(200)
		rep.Do("PATCH", path, map[string]any{"address": "x"}, "If-Match", `"1"`).Want(412)
		if p := rep.Do("PATCH", path, map[string]any{"address": "x"}).Want(422).Problem(); !p.Names("header.If-Match") {
			t.Fatalf("missing If-Match: %+v", p)
		}
		h := historyOf(t, rep, path)
		if len(h.Items) != 2 || h.Items[0].Action != "update" || len(h.Items[0].Changes) != 2 {
			t.Fatalf("history: %+v", h.Items)
		}
		// Contacts: the second primary contact demotes the first.
		c1 := newContact(t, rep, map[string]any{"customer_id": id, "name": "王总", "title": "总经理", "phone": "13900001111",
			"decision_role": "decision_maker", "attitude": "supportive", "is_primary": true})
		if c1["customer_name"] != "（上海）远景能源有限公司" || c1["is_primary"] != true || c1["decision_role"] != "decision_maker" {
			t.Fatalf("contact: %v", c1)
		}
		for _, k := range []string{"owner_id", "department_id", "phone_key"} {
			if _, ok := c1[k]; ok {
				t.Fatalf("internal field %s in a contact", k)
			}
		}
		c2 := newContact(t, rep, map[string]any{"customer_id": id, "name": "李工", "is_primary": true, "attitude": "neutral"})
		first := rep.Do("GET", "/api/v1/contacts/"+c1["id"].(string), nil).Want(200).Map()
		if first["is_primary"] != false || first["version"].(float64) != 2 {
			t.Fatalf("first contact after a new primary: %v", first)
		}
		if h := historyOf(t, rep, "/api/v1/contacts/"+c1["id"].(string)); len(h.Items) != 2 || h.Items[0].Changes[0].Field != "is_primary" {
			t.Fatalf("demotion history: %+v", h.Items)
		}
		if got := listIDs(t, rep, path+"/contacts"); !slices.Equal(got, ids(c1, c2)) {
			t.Fatalf("customer's contacts: %v", got)
		}
		cp := "/api/v1/contacts/" + c2["id"].(string)
		got := rep.Do("PATCH", cp, map[string]any{"attitude": "", "title": "工程师"}, "If-Match", `"1"`).Want(200).Map()
		if got["attitude"] != nil || got["title"] != "工程师" {
			t.Fatalf("contact patch: %v", got)
		}
		rep.Do("PATCH", cp, map[string]any{"title": "x"}, "If-Match", `"1"`).Want(412)
		rep.Do("DELETE", cp, nil, "If-Match", `"1"`).Want(412)
		rep.Do("DELETE", cp, nil, "If-Match", `"2"`).Want(204)
		rep.Do("GET", cp, nil).Want(404)
		// Deleting the customer takes its remaining contact along, each with an entry.
		rep.Do("DELETE", path, nil, "If-Match", `"1"`).Want(412)
		before := auditCount(t, e)
		rep.Do("DELETE", path, nil, "If-Match", `"2"`).Want(204)
		if after := auditCount(t, e); after != before+2 {
			t.Fatalf("customer delete wrote %d audit entries, want 2", after-before)
		}
		rep.Do("GET", path, nil).Want(404)
		rep.Do("GET", "/api/v1/contacts/"+c1["id"].(string), nil).Want(404)
		if n := rows(t, e, "contacts"); n != 0 {
			t.Fatalf("%d contacts left", n)
		}
		var found struct {
			Items []struct{ Action, ObjectType string }
		}
		e.Demo("admin@demo.local").Do("GET", "/api/v1/audit?object_type=contact&object_id="+c1["id"].(string), nil).Want(200).JSON(&found)
		if len(found.Items) != 3 || found.Items[0].Action != "delete" {
			t.Fatalf("contact audit after the customer's delete: %+v", found.Items)
		}
	})
}

func TestCustomerFiltersAndPaging(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep1 := me(t, e.Demo("east1.rep1@demo.local"))["id"].(string)
		a := newCustomer(t, admin, map[string]any{"name": "锦程物流", "industry": "物流", "region": "华东", "size": "enterprise",
			"annual_revenue": 10_000_000_000, "key_customer": true, "owner_id": rep1, "email": "Info@JinCheng.example"})
		b := newCustomer(t, admin, map[string]any{"name": "Yuanhang Trading", "industry": "贸易", "region": "华东"})
		c := newCustomer(t, admin, map[string]any{"name": "100% Pure 食品", "industry": "食品", "region": "华南"})
		q := url.QueryEscape
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", ids(a, b, c)},
			{"owner_id=" + rep1, ids(a)},
			{"industry=" + q("贸易"), ids(b)},
			{"region=" + q("华东"), ids(a, b)},
			{"grade=C", ids(a)}, // scored: enterprise 20 + revenue ≥ 1亿元 10 of the default model's 100
			{"key_customer=true", ids(a)},
			{"key_customer=false", ids(b, c)},
			{"q=" + q("锦程"), ids(a)},
			{"q=" + q("yuanhang"), ids(b)},
			{"q=" + q("jincheng.example"), ids(a)},
			{"q=" + q("100%"), ids(c)},
			{"q=" + q("_"), ids()},
			{"region=" + q("华东") + "&grade=D", ids(b)},
		} {
			if got := listIDs(t, admin, "/api/v1/customers?limit=500&"+tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("?%s: %v, want %v", tc.query, got, tc.want)
			}
		}
		for i := range 9 {
			newCustomer(t, admin, map[string]any{"name": fmt.Sprintf("客户%d", i%3), "allow_duplicate": true})
		}
		for _, sort := range []string{"created_at", "-created_at", "name", "-name"} {
			seen := map[string]bool{}
			cursor, n := "", 0
			for pages := 0; ; pages++ {
				if pages > 12 {
					t.Fatalf("sort %s: paging does not end", sort)
				}
				var page leadPage
				admin.Do("GET", "/api/v1/customers?limit=4&sort="+sort+"&cursor="+cursor, nil).Want(200).JSON(&page)
				for _, x := range page.Items {
					if seen[x["id"].(string)] {
						t.Fatalf("sort %s: %v twice", sort, x["name"])
					}
					seen[x["id"].(string)] = true
					n++
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			if n != 12 {
				t.Fatalf("sort %s: %d customers, want 12", sort, n)
			}
		}
	})
}

func TestCustomerDataScope(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		rep1c, rep2c, mgr := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local"), e.Demo("east1.manager@demo.local")
		hz, dir := e.Demo("east2.rep1@demo.local"), e.Demo("director@demo.local")
		rep1, rep2, hzRep := me(t, rep1c), me(t, rep2c), me(t, hz)
		c1 := newCustomer(t, admin, map[string]any{"name": "一号客户", "owner_id": rep1["id"]})
		c2 := newCustomer(t, admin, map[string]any{"name": "二号客户", "owner_id": rep2["id"]})
		c3 := newCustomer(t, admin, map[string]any{"name": "三号客户", "owner_id": hzRep["id"]})
		k1 := newContact(t, rep1c, map[string]any{"customer_id": c1["id"], "name": "甲"})
		k3 := newContact(t, admin, map[string]any{"customer_id": c3["id"], "name": "丙"})
		for _, c := range []struct {
			who               *apitest.Client
			customers, contas []string
		}{
			{rep1c, ids(c1), ids(k1)}, {rep2c, ids(c2), ids()}, {hz, ids(c3), ids(k3)},
			{mgr, ids(c1, c2), ids(k1)}, {dir, ids(c1, c2, c3), ids(k1, k3)},
		} {
			if got := listIDs(t, c.who, "/api/v1/customers"); !slices.Equal(got, c.customers) {
				t.Errorf("%s sees customers %v, want %v", me(t, c.who)["email"], got, c.customers)
			}
			if got := listIDs(t, c.who, "/api/v1/contacts"); !slices.Equal(got, c.contas) {
				t.Errorf("%s sees contacts %v, want %v", me(t, c.who)["email"], got, c.contas)
			}
		}
		// Out of scope is not found, for every way in.
		id, kid := c1["id"].(string), k1["id"].(string)
		for _, c := range []*apitest.Client{rep2c, hz} {
			for _, p := range []string{"/api/v1/customers/" + id, "/api/v1/contacts/" + kid} {
				c.Do("GET", p, nil).Want(404)
				c.Do("GET", p+"/history", nil).Want(404)
				c.Do("PATCH", p, map[string]any{"notes": "x"}, "If-Match", `"1"`).Want(404)
				c.Do("DELETE", p, nil, "If-Match", `"1"`).Want(404)
			}
			c.Do("GET", "/api/v1/customers/"+id+"/contacts", nil).Want(404)
			if p := c.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": id, "name": "乙"}).Want(422).Problem(); !p.Names("body.customer_id") {
				t.Fatalf("contact for an invisible customer: %+v", p)
			}
		}
		mgr.Do("GET", "/api/v1/contacts/"+kid, nil).Want(200)
		// A rep keeps customers to themself; a manager gives within the team.
		if p := rep1c.Do("POST", "/api/v1/customers", map[string]any{"name": "四", "owner_id": rep2["id"]}).Want(422).Problem(); !p.Names("body.owner_id") {
			t.Fatalf("rep gives a customer away: %+v", p)
		}
		mgr.Do("POST", "/api/v1/customers", map[string]any{"name": "五", "owner_id": hzRep["id"]}).Want(422)
		newCustomer(t, mgr, map[string]any{"name": "五", "owner_id": rep2["id"]})
		// Handed over out of the team, the customer and its contacts leave the manager's scope.
		moved := admin.Do("PATCH", "/api/v1/customers/"+id, map[string]any{"owner_id": hzRep["id"]}, "If-Match", `"1"`).Want(200).Map()
		if moved["department_id"] != hzRep["department_id"] || moved["owner_name"] != "杨帆" {
			t.Fatalf("handed over: %v", moved)
		}
		for _, c := range []*apitest.Client{mgr, rep1c} {
			c.Do("GET", "/api/v1/customers/"+id, nil).Want(404)
			c.Do("GET", "/api/v1/contacts/"+kid, nil).Want(404)
		}
		hz.Do("GET", "/api/v1/contacts/"+kid, nil).Want(200)
		if got := listIDs(t, hz, "/api/v1/customers/"+id+"/contacts"); !slices.Equal(got, ids(k1)) {
			t.Fatalf("contacts after the handover: %v", got)
		}
	})
}

func TestCustomerTenantIsolation(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		c := newCustomer(t, admin, map[string]any{"name": "阿里巴巴集团", "phone": "0571-8502 2088"})
		k := newContact(t, admin, map[string]any{"customer_id": c["id"], "name": "马云", "phone": "13912345678"})
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家公司", "name": "外人",
			"email": "outsider@other.test", "password": "outsider password"}).Want(201)
		other := e.Login("outsider@other.test", "outsider password")
		for _, p := range []string{"/api/v1/customers/" + c["id"].(string), "/api/v1/contacts/" + k["id"].(string)} {
			other.Do("GET", p, nil).Want(404)
			other.Do("GET", p+"/history", nil).Want(404)
			other.Do("PATCH", p, map[string]any{"notes": "x"}, "If-Match", `"1"`).Want(404)
			other.Do("DELETE", p, nil, "If-Match", `"1"`).Want(404)
		}
		other.Do("GET", "/api/v1/customers/"+c["id"].(string)+"/contacts", nil).Want(404)
		other.Do("POST", "/api/v1/contacts", map[string]any{"customer_id": c["id"], "name": "x"}).Want(422)
		if got := listIDs(t, other, "/api/v1/customers"); len(got) != 0 {
			t.Fatalf("other tenant lists customers %v", got)
		}
		if got := listIDs(t, other, "/api/v1/contacts"); len(got) != 0 {
			t.Fatalf("other tenant lists contacts %v", got)
		}
		var found struct{ Items []map[string]any }
		other.Do("GET", "/api/v1/leads/duplicates?phone=13912345678&company="+url.QueryEscape("阿里巴巴"), nil).Want(200).JSON(&found)
		if len(found.Items) != 0 {
			t.Fatalf("duplicates across tenants: %v", found.Items)
		}
		// The same lead and customer in the other tenant are no duplicates.
		newLead(t, other, map[string]any{"contact_name": "马云", "phone": "13912345678", "company": "阿里巴巴"})
		newCustomer(t, other, map[string]any{"name": "另一个名字", "phone": "0571-8502 2088"})
		admin.Do("GET", "/api/v1/customers/"+c["id"].(string), nil).Want(200)
	})
}

// dupProblem is a 409 with its matches.
type dupProblem struct {
	Duplicates []map[string]any
	Errors     []struct{ Location, Value, Message string }
}

func TestCustomerLeadDuplicates(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, dir, rep := e.Demo("admin@demo.local"), e.Demo("director@demo.local"), e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, admin, map[string]any{"name": "（北京）华夏数据股份有限公司", "email": "Contact@HuaXia.example"})
		newContact(t, admin, map[string]any{"customer_id": cust["id"], "name": "赵总", "phone": "+86 139-1111-2222"})
		// Lead → customer: by company, and by a contact's phone.
		r := rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "赵", "company": "华夏数据", "phone": "13911112222"}).Want(409)
		var dup dupProblem
		r.JSON(&dup)
		if len(dup.Duplicates) != 1 || dup.Duplicates[0]["kind"] != "customer" || dup.Duplicates[0]["id"] != cust["id"] ||
			dup.Duplicates[0]["visible"] != false || fmt.Sprint(dup.Duplicates[0]["matched_on"]) != "[phone company]" ||
			!r.Problem().Names("body.company") || !r.Problem().Names("body.phone") {
			t.Fatalf("lead matching a customer, as a rep: %s", r.Body)
		}
		for _, secret := range []string{"华夏", "赵总", "周建国", "HuaXia"} {
			if strings.Contains(string(r.Body), secret) {
				t.Fatalf("409 to a rep leaks %q of a customer outside their scope: %s", secret, r.Body)
			}
		}
		r = dir.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "赵", "email": "contact@huaxia.example"}).Want(409)
		r.JSON(&dup)
		if m := dup.Duplicates[0]; m["kind"] != "customer" || m["visible"] != true || m["company"] != "（北京）华夏数据股份有限公司" ||
			m["owner_name"] != "周建国" || fmt.Sprint(m["matched_on"]) != "[email]" || dup.Errors[0].Message != "an existing customer has the same email" {
			t.Fatalf("director's customer match: %s", r.Body)
		}
		// Customer → lead, and customer → customer.
		l := newLead(t, rep, map[string]any{"contact_name": "钱", "company": "星河科技有限公司", "phone": "13800138000"})
		r = dir.Do("POST", "/api/v1/customers", map[string]any{"name": "星河科技", "phone": "0086 138 0013 8000"}).Want(409)
		r.JSON(&dup)
		if len(dup.Duplicates) != 1 || dup.Duplicates[0]["kind"] != "lead" || dup.Duplicates[0]["id"] != l["id"] ||
			dup.Duplicates[0]["contact_name"] != "钱" || !r.Problem().Names("body.name") || !r.Problem().Names("body.phone") {
			t.Fatalf("customer matching a lead: %s", r.Body)
		}
		r = e.Demo("east2.rep1@demo.local").Do("POST", "/api/v1/customers", map[string]any{"name": "华夏数据有限公司"}).Want(409)
		r.JSON(&dup)
		if len(dup.Duplicates) != 1 || dup.Duplicates[0]["kind"] != "customer" || dup.Duplicates[0]["visible"] != false {
			t.Fatalf("customer matching a customer: %s", r.Body)
		}
		before := rows(t, e, "customers")
		newCustomer(t, dir, map[string]any{"name": "星河科技", "allow_duplicate": true})
		if rows(t, e, "customers") != before+1 {
			t.Fatal("allow_duplicate did not create")
		}
		// The lookup lists customers first, then leads.
		var found struct{ Items []map[string]any }
		dir.Do("GET", "/api/v1/leads/duplicates?company="+url.QueryEscape("星河科技"), nil).Want(200).JSON(&found)
		if len(found.Items) != 2 || found.Items[0]["kind"] != "customer" || found.Items[1]["kind"] != "lead" ||
			found.Items[1]["id"] != l["id"] {
			t.Fatalf("duplicates lookup: %v", found.Items)
		}
		// A contact without a phone never matches a lead without one.
		newContact(t, admin, map[string]any{"customer_id": cust["id"], "name": "无电话"})
		newLead(t, rep, map[string]any{"contact_name": "无电话的线索", "company": "另一家"})
	})
}

// conversion is a convert answer.
type conversion struct {
	Lead, Customer, Contact map[string]any
	Created                 bool
}

func TestConvertLead(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin, mgr := e.Demo("admin@demo.local"), e.Demo("east1.manager@demo.local")
		rep := e.Demo("east1.rep1@demo.local")
		self := me(t, rep)
		l := newLead(t, rep, map[string]any{"contact_name": "孙经理", "company": "（上海）蓝海制造有限公司", "title": "采购经理",
			"phone": "13600001111", "email": "sun@lanhai.example", "wechat": "sun_wx", "industry": "制造", "region": "华东", "source": "展会"})
		lp := "/api/v1/leads/" + l["id"].(string)
		before := auditCount(t, e)
		r := rep.Do("POST", lp+"/convert", map[string]any{"customer": map[string]any{"size": "medium"},
			"contact": map[string]any{"decision_role": "influencer"}}).Want(201)
		var cv conversion
		r.JSON(&cv)
		if !cv.Created || cv.Customer["name"] != "（上海）蓝海制造有限公司" || cv.Customer["industry"] != "制造" ||
			cv.Customer["region"] != "华东" || cv.Customer["source"] != "展会" || cv.Customer["size"] != "medium" ||
			cv.Customer["owner_id"] != self["id"] || cv.Customer["lead_id"] != l["id"] {
			t.Fatalf("customer: %v", cv.Customer)
		}
		if cv.Contact["name"] != "孙经理" || cv.Contact["title"] != "采购经理" || cv.Contact["phone"] != "13600001111" ||
			cv.Contact["email"] != "sun@lanhai.example" || cv.Contact["wechat"] != "sun_wx" || cv.Contact["is_primary"] != true ||
			cv.Contact["decision_role"] != "influencer" || cv.Contact["customer_id"] != cv.Customer["id"] {
			t.Fatalf("contact: %v", cv.Contact)
		}
		if cv.Lead["status"] != "converted" || cv.Lead["converted_customer_id"] != cv.Customer["id"] ||
			cv.Lead["converted_contact_id"] != cv.Contact["id"] || cv.Lead["converted_at"] == nil || cv.Lead["version"].(float64) != 2 ||
			cv.Lead["converted_opportunity_id"] != nil {
			t.Fatalf("lead: %v", cv.Lead)
		}
		// One entry per write, all from the one request.
		if after := auditCount(t, e); after != before+3 {
			t.Fatalf("conversion wrote %d audit entries, want 3", after-before)
		}
		lh := historyOf(t, rep, lp)
		ch := historyOf(t, rep, "/api/v1/customers/"+cv.Customer["id"].(string))
		kh := historyOf(t, rep, "/api/v1/contacts/"+cv.Contact["id"].(string))
		if lh.Items[0].RequestID == "" || lh.Items[0].RequestID != ch.Items[0].RequestID || ch.Items[0].RequestID != kh.Items[0].RequestID ||
			ch.Items[0].Action != "create" || kh.Items[0].Action != "create" || lh.Items[0].Action != "update" {
			t.Fatalf("conversion history: %+v %+v %+v", lh.Items[0], ch.Items[0], kh.Items[0])
		}
		fields := []string{}
		for _, c := range lh.Items[0].Changes {
			fields = append(fields, c.Field)
		}
		slices.Sort(fields)
		if fmt.Sprint(fields) != "[converted_at converted_contact_id converted_customer_id status]" {
			t.Fatalf("lead conversion entry: %+v", lh.Items[0].Changes)
		}
		// Converted: no second conversion, and the links are kept.
		rep.Do("POST", lp+"/convert", map[string]any{"customer_id": cv.Customer["id"]}).Want(409)
		rep.Do("DELETE", lp, nil, "If-Match", `"2"`).Want(409)
		rep.Do("DELETE", "/api/v1/customers/"+cv.Customer["id"].(string), nil, "If-Match", `"1"`).Want(409)
		rep.Do("DELETE", "/api/v1/contacts/"+cv.Contact["id"].(string), nil, "If-Match", `"1"`).Want(409)
		rep.Do("PATCH", lp, map[string]any{"status": "new"}, "If-Match", `"2"`).Want(422)

		// A second lead of the same company: the new customer would be a
		// duplicate (409 with the match), so it goes into the existing one.
		l2 := newLead(t, rep, map[string]any{"contact_name": "周工", "company": "蓝海制造", "allow_duplicate": true})
		lp2 := "/api/v1/leads/" + l2["id"].(string)
		r = rep.Do("POST", lp2+"/convert", map[string]any{"customer": map[string]any{}}).Want(409)
		var dup dupProblem
		r.JSON(&dup)
		if len(dup.Duplicates) != 1 || dup.Duplicates[0]["kind"] != "customer" || dup.Duplicates[0]["id"] != cv.Customer["id"] ||
			!r.Problem().Names("body.customer.name") || !strings.Contains(r.Problem().Detail, "customer_id") {
			t.Fatalf("conversion into a duplicate customer: %s", r.Body)
		}
		var cv2 conversion
		mgr.Do("POST", lp2+"/convert", map[string]any{"customer_id": cv.Customer["id"],
			"contact": map[string]any{"title": "工程师"}}).Want(201).JSON(&cv2)
		if cv2.Created || cv2.Customer["id"] != cv.Customer["id"] || cv2.Customer["version"].(float64) != 1 ||
			cv2.Contact["is_primary"] != false || cv2.Contact["title"] != "工程师" || cv2.Contact["name"] != "周工" ||
			cv2.Lead["converted_customer_id"] != cv.Customer["id"] {
			t.Fatalf("conversion into an existing customer: %+v", cv2)
		}
		if got := listIDs(t, rep, "/api/v1/customers/"+cv.Customer["id"].(string)+"/contacts"); !slices.Equal(got, ids(cv.Contact, cv2.Contact)) {
			t.Fatalf("contacts after two conversions: %v", got)
		}
		// Disqualified leads are refused; so is a customer outside the scope.
		l3 := newLead(t, rep, map[string]any{"contact_name": "吴", "company": "吴氏商贸"})
		lp3 := "/api/v1/leads/" + l3["id"].(string)
		rep.Do("PATCH", lp3, map[string]any{"status": "disqualified", "disqualify_reason": "无预算"}, "If-Match", `"1"`).Want(200)
		rep.Do("POST", lp3+"/convert", map[string]any{"customer": map[string]any{}}).Want(409)
		rep.Do("PATCH", lp3, map[string]any{"status": "new"}, "If-Match", `"2"`).Want(200)
		theirs := newCustomer(t, admin, map[string]any{"name": "别人的客户"})
		if p := rep.Do("POST", lp3+"/convert", map[string]any{"customer_id": theirs["id"]}).Want(422).Problem(); !p.Names("body.customer_id") {
			t.Fatalf("conversion into an invisible customer: %+v", p)
		}
		// A manager converting the rep's lead gives the customer to the rep.
		var cv3 conversion
		mgr.Do("POST", lp3+"/convert", map[string]any{"customer": map[string]any{}}).Want(201).JSON(&cv3)
		if cv3.Customer["owner_id"] != self["id"] || cv3.Lead["status"] != "converted" {
			t.Fatalf("manager's conversion: %+v", cv3)
		}
		// Out of scope and other tenants: not found.
		l4 := newLead(t, rep, map[string]any{"contact_name": "郑", "company": "郑氏"})
		e.Demo("east1.rep2@demo.local").Do("POST", "/api/v1/leads/"+l4["id"].(string)+"/convert", map[string]any{"customer": map[string]any{}}).Want(404)
		e.Demo("east2.manager@demo.local").Do("POST", "/api/v1/leads/"+l4["id"].(string)+"/convert", map[string]any{"customer": map[string]any{}}).Want(404)
		// A viewer lacks lead.write.
		e.Demo("finance@demo.local").Do("POST", "/api/v1/leads/"+l4["id"].(string)+"/convert", map[string]any{"customer": map[string]any{}}).Want(403)
	})
}

// TestConvertAtomicity: a conversion refused at any step leaves nothing
// written: no customer, no contact, the lead as it was, no audit entry.
func TestConvertAtomicity(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep := e.Demo("east1.rep1@demo.local")
		l := newLead(t, rep, map[string]any{"contact_name": "冯", "company": "冯记餐饮", "email": "feng@fengji.example"})
		nameless := newLead(t, rep, map[string]any{"contact_name": "无公司"})
		lp := "/api/v1/leads/" + l["id"].(string)
		customers, contacts, entries := rows(t, e, "customers"), rows(t, e, "contacts"), auditCount(t, e)
		for _, c := range []struct {
			name, path string
			body       any
			status     int
			field      string
		}{
			// The contact fails after the customer was written in the same transaction.
			{"blank contact name", lp, map[string]any{"customer": map[string]any{"name": "冯记"}, "contact": map[string]any{"name": "   "}}, 422, "body.contact.name"},
			{"empty body", lp, map[string]any{}, 422, "body.customer"},
			{"both customers", lp, map[string]any{"customer": map[string]any{}, "customer_id": "0190a000-0000-7000-8000-000000000000"}, 422, "body.customer_id"},
			{"unknown customer", lp, map[string]any{"customer_id": "0190a000-0000-7000-8000-000000000000"}, 422, "body.customer_id"},
			{"blank customer name", lp, map[string]any{"customer": map[string]any{"name": "  "}}, 422, "body.customer.name"},
			{"no company to name it", "/api/v1/leads/" + nameless["id"].(string), map[string]any{"customer": map[string]any{}}, 422, "body.customer.name"},
			{"bad contact email", lp, map[string]any{"customer": map[string]any{}, "contact": map[string]any{"email": "nobody"}}, 422, "body.contact.email"},
			{"bad decision role", lp, map[string]any{"customer": map[string]any{}, "contact": map[string]any{"decision_role": "boss"}}, 422, "body.contact.decision_role"},
			{"owner out of scope", lp, map[string]any{"customer": map[string]any{"owner_id": me(t, e.Demo("east1.rep2@demo.local"))["id"]}}, 422, "body.customer.owner_id"},
			{"opportunity", lp, map[string]any{"customer": map[string]any{}, "opportunity": map[string]any{"amount": 1}}, 422, "body.opportunity"},
			{"malformed", lp, `{"customer": `, 400, ""},
			{"bad lead id", "/api/v1/leads/x", map[string]any{"customer": map[string]any{}}, 422, "path.id"},
		} {
			r := rep.Do("POST", c.path+"/convert", c.body)
			if r.Status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, r.Status, c.status, r.Body)
				continue
			}
			if p := r.Problem(); c.field != "" && !p.Names(c.field) {
				t.Errorf("%s: problem does not name %s: %s", c.name, c.field, r.Body)
			}
		}
		if rows(t, e, "customers") != customers || rows(t, e, "contacts") != contacts || auditCount(t, e) != entries {
			t.Fatalf("a refused conversion wrote: customers %d→%d, contacts %d→%d, audit %d→%d", customers, rows(t, e, "customers"),
				contacts, rows(t, e, "contacts"), entries, auditCount(t, e))
		}
		if got := rep.Do("GET", lp, nil).Want(200).Map(); got["status"] != "new" || got["version"].(float64) != 1 || got["converted_customer_id"] != nil {
			t.Fatalf("the lead changed: %v", got)
		}
		// And the same conversion, corrected, goes through.
		rep.Do("POST", lp+"/convert", map[string]any{"customer": map[string]any{"name": "冯记"}, "contact": map[string]any{"name": "冯老板"}}).Want(201)
	})
}

func TestCustomerBadInput(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		existing := newCustomer(t, admin, map[string]any{"name": "已有客户"})
		path := "/api/v1/customers/" + existing["id"].(string)
		contact := newContact(t, admin, map[string]any{"customer_id": existing["id"], "name": "已有联系人"})
		cpath := "/api/v1/contacts/" + contact["id"].(string)
		customers, contacts, before := rows(t, e, "customers"), rows(t, e, "contacts"), auditCount(t, e)
		for _, c := range []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"malformed json", "POST", "/api/v1/customers", `{"name": `, 400, ""},
			{"unknown field", "POST", "/api/v1/customers", map[string]any{"name": "a", "colour": "red"}, 422, "body.colour"},
			{"missing name", "POST", "/api/v1/customers", map[string]any{"phone": "123"}, 422, ""},
			{"blank name", "POST", "/api/v1/customers", map[string]any{"name": "   "}, 422, "body.name"},
			{"overlong name", "POST", "/api/v1/customers", map[string]any{"name": strings.Repeat("长", 101)}, 422, "body.name"},
			{"control char", "POST", "/api/v1/customers", map[string]any{"name": "a\u0007b"}, 422, "body.name"},
			{"bad phone", "POST", "/api/v1/customers", map[string]any{"name": "a", "phone": "call me"}, 422, "body.phone"},
			{"bad email", "POST", "/api/v1/customers", map[string]any{"name": "a", "email": "nobody"}, 422, "body.email"},
			{"bad grade", "POST", "/api/v1/customers", map[string]any{"name": "a", "grade": "E"}, 422, "body.grade"},
			{"bad size", "POST", "/api/v1/customers", map[string]any{"name": "a", "size": "huge"}, 422, "body.size"},
			{"score too high", "POST", "/api/v1/customers", map[string]any{"name": "a", "score": 101}, 422, "body.score"},
			{"bad owner", "POST", "/api/v1/customers", map[string]any{"name": "a", "owner_id": "someone"}, 422, "body.owner_id"},
			{"unknown owner", "POST", "/api/v1/customers", map[string]any{"name": "a", "owner_id": "0190a000-0000-7000-8000-000000000000"}, 422, "body.owner_id"},
			{"key_customer not bool", "POST", "/api/v1/customers", map[string]any{"name": "a", "key_customer": "yes"}, 422, "body.key_customer"},
			{"bad id", "GET", "/api/v1/customers/not-an-id", nil, 422, "path.id"},
			{"blank patch name", "PATCH", path, map[string]any{"name": " "}, 422, "body.name"},
			{"patch tenant", "PATCH", path, map[string]any{"tenant_id": "x"}, 422, "body.tenant_id"},
			{"patch lead link", "PATCH", path, map[string]any{"lead_id": "x"}, 422, "body.lead_id"},
			{"bad list grade", "GET", "/api/v1/customers?grade=E", nil, 422, "query.grade"},
			{"bad list flag", "GET", "/api/v1/customers?key_customer=yes", nil, 422, "query.key_customer"},
			{"bad sort", "GET", "/api/v1/customers?sort=score", nil, 422, "query.sort"},
			{"bad cursor", "GET", "/api/v1/customers?cursor=!!", nil, 422, "query.cursor"},
			{"forged cursor", "GET", "/api/v1/customers?sort=name&cursor=eyJzIjoibmFtZSIsImsiOlsieCIsInkiXX0", nil, 422, "query.cursor"},
			{"contact without customer", "POST", "/api/v1/contacts", map[string]any{"name": "a"}, 422, ""},
			{"contact bad customer id", "POST", "/api/v1/contacts", map[string]any{"name": "a", "customer_id": "x"}, 422, "body.customer_id"},
			{"contact blank name", "POST", "/api/v1/contacts", map[string]any{"name": " ", "customer_id": existing["id"]}, 422, "body.name"},
			{"contact bad role", "POST", "/api/v1/contacts", map[string]any{"name": "a", "customer_id": existing["id"], "decision_role": "boss"}, 422, "body.decision_role"},
			{"contact bad attitude", "POST", "/api/v1/contacts", map[string]any{"name": "a", "customer_id": existing["id"], "attitude": "hostile"}, 422, "body.attitude"},
			{"contact bad email", "POST", "/api/v1/contacts", map[string]any{"name": "a", "customer_id": existing["id"], "email": "x"}, 422, "body.email"},
			{"contact move", "PATCH", cpath, map[string]any{"customer_id": existing["id"]}, 422, "body.customer_id"},
			{"contact blank patch", "PATCH", cpath, map[string]any{"name": ""}, 422, "body.name"},
			{"contact list role", "GET", "/api/v1/contacts?decision_role=boss", nil, 422, "query.decision_role"},
		} {
			r := admin.Do(c.method, c.path, c.body, "If-Match", `"1"`)
			if r.Status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, r.Status, c.status, r.Body)
				continue
			}
			if p := r.Problem(); c.field != "" && !p.Names(c.field) {
				t.Errorf("%s: problem does not name %s: %s", c.name, c.field, r.Body)
			}
		}
		if rows(t, e, "customers") != customers || rows(t, e, "contacts") != contacts || auditCount(t, e) != before {
			t.Fatal("bad input wrote something")
		}
		if got := admin.Do("GET", path, nil).Want(200).Map(); got["version"].(float64) != 1 {
			t.Fatalf("bad patches changed the customer: %v", got)
		}
	})
}

// cdFiles lists the attachment blobs under a data directory, by id.
func cdFiles(t *testing.T, dataDir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(dataDir, "blobs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) == "attachments" {
			out[d.Name()] = true
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cdMine lists the ids of the caller's my-day (every bucket) and inbox.
func cdMine(t *testing.T, c *apitest.Client) map[string]bool {
	t.Helper()
	var day struct {
		Tasks   []map[string]any `json:"tasks_due_today"`
		Visits  []map[string]any `json:"visits_today"`
		Overdue []map[string]any `json:"overdue"`
	}
	c.Do("GET", "/api/v1/my-day?tz=Asia/Shanghai", nil).Want(200).JSON(&day)
	out := map[string]bool{}
	for _, b := range [][]map[string]any{day.Tasks, day.Visits, day.Overdue} {
		for _, a := range b {
			out[a["id"].(string)] = true
		}
	}
	var inbox struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/inbox", nil).Want(200).JSON(&inbox)
	for _, x := range inbox.Items {
		out["inbox:"+x["link_id"].(string)] = true
	}
	return out
}

// TestCustomerDeleteTakesItsRecords: deleting a customer deletes its
// contacts, the activities on both (gone from my-day and the inbox) and
// their attachments (rows and files), each audited; a customer with an
// opportunity is refused with a 409 that says so, and nothing goes.
func TestCustomerDeleteTakesItsRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dir := t.TempDir()
		e := apitest.StartWith(t, d, api.Options{Demo: true, Signup: true, DataDir: dir})
		rep := e.Demo("east1.rep1@demo.local")
		ctx := context.Background()
		// work gives a customer a contact, an overdue task on the customer,
		// a reminded task and a done call on the contact, and a file on each.
		work := func(name string) (cust string, acts, files []string) {
			cust = newCustomer(t, rep, map[string]any{"name": name, "allow_duplicate": true})["id"].(string)
			ct := newContact(t, rep, map[string]any{"customer_id": cust, "name": name + "联系人"})["id"].(string)
			acts = []string{
				newActivity(t, rep, map[string]any{"kind": "task", "subject_type": "customer", "subject_id": cust, "title": name + "逾期",
					"due_at": time.Now().Add(-72 * time.Hour).Format(time.RFC3339)})["id"].(string),
				newActivity(t, rep, map[string]any{"kind": "task", "subject_type": "contact", "subject_id": ct, "title": name + "提醒",
					"due_at": time.Now().Add(time.Hour).Format(time.RFC3339), "remind_at": time.Now().Add(-time.Minute).Format(time.RFC3339)})["id"].(string),
				newActivity(t, rep, map[string]any{"kind": "call", "subject_type": "contact", "subject_id": ct, "title": name + "电话"})["id"].(string),
			}
			for _, o := range [][2]string{{"customer", cust}, {"contact", ct}} {
				files = append(files, attach(t, rep, o[0], o[1], name+".png", pngBytes()).Want(201).Map()["id"].(string))
			}
			return cust, acts, files
		}
		gone, goneActs, goneFiles := work("删除客户")
		kept, keptActs, keptFiles := work("保留客户")
		if _, err := activity.SendReminders(ctx, e.DB, time.Now()); err != nil {
			t.Fatal(err)
		}
		if m := cdMine(t, rep); !m[goneActs[0]] || !m["inbox:"+goneActs[1]] || !m[keptActs[0]] || !m["inbox:"+keptActs[1]] {
			t.Fatalf("before: my day and inbox %v", m)
		}
		// A customer with an opportunity is refused, whole.
		opp := rep.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": kept, "name": "保留商机",
			"amount": map[string]any{"amount": 100, "currency": "CNY"}, "expected_close": "2030-03-31"}).Want(201).Map()["id"].(string)
		before := auditCount(t, e)
		v := rep.Do("GET", "/api/v1/customers/"+kept, nil).Want(200).Map()["version"]
		p := rep.Do("DELETE", "/api/v1/customers/"+kept, nil, "If-Match", fmt.Sprintf(`"%v"`, v)).Want(409).Problem()
		if !strings.Contains(p.Detail, "has 1 opportunities") {
			t.Fatalf("409 detail: %q", p.Detail)
		}
		if auditCount(t, e) != before {
			t.Fatal("a refused delete wrote")
		}
		// Deleting the other takes its records along.
		v = rep.Do("GET", "/api/v1/customers/"+gone, nil).Want(200).Map()["version"]
		rep.Do("DELETE", "/api/v1/customers/"+gone, nil, "If-Match", fmt.Sprintf(`"%v"`, v)).Want(204)
		m := cdMine(t, rep)
		if m[goneActs[0]] || m["inbox:"+goneActs[1]] || !m[keptActs[0]] || !m["inbox:"+keptActs[1]] {
			t.Fatalf("after: my day and inbox %v (gone %v, kept %v)", m, goneActs, keptActs)
		}
		blobs := cdFiles(t, dir)
		for _, id := range goneActs {
			rep.Do("GET", "/api/v1/activities/"+id, nil).Want(404)
		}
		for _, id := range goneFiles {
			rep.Do("GET", "/api/v1/attachments/"+id, nil).Want(404)
			if blobs[id] {
				t.Fatalf("blob of deleted attachment %s left behind", id)
			}
		}
		for _, id := range keptActs {
			rep.Do("GET", "/api/v1/activities/"+id, nil).Want(200)
		}
		for _, id := range keptFiles {
			rep.Do("GET", "/api/v1/attachments/"+id+"/content", nil).Want(200)
			if !blobs[id] {
				t.Fatalf("blob of kept attachment %s missing", id)
			}
		}
		rep.Do("GET", "/api/v1/opportunities/"+opp, nil).Want(200)
		// Each went with an audit entry.
		admin := e.Demo("admin@demo.local")
		for typ, ids := range map[string][]string{"activity": goneActs, "attachment": goneFiles} {
			for _, id := range ids {
				var found struct{ Items []map[string]any }
				admin.Do("GET", "/api/v1/audit?object_type="+typ+"&object_id="+id, nil).Want(200).JSON(&found)
				if len(found.Items) == 0 || found.Items[0]["action"] != "delete" {
					t.Fatalf("audit of %s %s: %v", typ, id, found.Items)
				}
			}
		}
		if n, err := e.DB.Read.NewSelect().Table("activities").Where("subject_id = ?", gone).Count(ctx); err != nil || n != 0 {
			t.Fatalf("activities left on the customer: %d %v", n, err)
		}
	})
}

// TestCustomerTimelineHasItsLeads: the customer's timeline holds the
// follow-ups made on the leads converted into it (the one it was made from
// and one converted into it later), in the list's order and paging, and
// not those of another lead; the leads' activities stay in the activity
// scope (a rep handed the customer sees its own history, not the leads').
func TestCustomerTimelineHasItsLeads(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep, mgr := e.Demo("east1.rep1@demo.local"), e.Demo("east1.manager@demo.local")
		at := func(daysAgo int) string { return time.Now().UTC().AddDate(0, 0, -daysAgo).Format(time.RFC3339) }
		log := func(typ, id, title string, daysAgo int) string {
			return newActivity(t, rep, map[string]any{"kind": "call", "subject_type": typ, "subject_id": id, "title": title,
				"occurred_at": at(daysAgo)})["id"].(string)
		}
		first := newLead(t, rep, map[string]any{"contact_name": "周经理", "company": "时间线线索公司"})["id"].(string)
		second := newLead(t, rep, map[string]any{"contact_name": "吴经理", "allow_duplicate": true})["id"].(string)
		stray := newLead(t, rep, map[string]any{"contact_name": "郑经理", "allow_duplicate": true})["id"].(string)
		onFirst := log("lead", first, "转化前的电话", 5)
		onSecond := log("lead", second, "第二条线索的电话", 3)
		log("lead", stray, "别的线索", 4)
		var cv conversion
		rep.Do("POST", "/api/v1/leads/"+first+"/convert", map[string]any{"customer": map[string]any{}}).Want(201).JSON(&cv)
		cust := cv.Customer["id"].(string)
		rep.Do("POST", "/api/v1/leads/"+second+"/convert", map[string]any{"customer_id": cust}).Want(201)
		onCust := log("customer", cust, "客户电话", 4)
		onContact := log("contact", cv.Contact["id"].(string), "联系人电话", 1)
		pages := func(c *apitest.Client, query string) []string {
			t.Helper()
			var got []string
			cursor := ""
			for n := 0; n < 10; n++ {
				var page struct {
					Items      []map[string]any
					NextCursor string `json:"next_cursor"`
				}
				c.Do("GET", "/api/v1/activities?limit=2&customer_id="+cust+query+"&cursor="+url.QueryEscape(cursor), nil).Want(200).JSON(&page)
				for _, a := range page.Items {
					got = append(got, a["id"].(string))
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			return got
		}
		// Newest first by when it happened (the UI's history), and by creation.
		if got, want := pages(rep, "&sort=-occurred_at"), []string{onContact, onSecond, onCust, onFirst}; !slices.Equal(got, want) {
			t.Fatalf("by occurred_at: %v, want %v", got, want)
		}
		if got, want := pages(rep, ""), []string{onContact, onCust, onSecond, onFirst}; !slices.Equal(got, want) {
			t.Fatalf("by creation: %v, want %v", got, want)
		}
		if got := pages(rep, "&subject_type=lead"); !slices.Equal(got, []string{onSecond, onFirst}) {
			t.Fatalf("lead activities of the timeline: %v", got)
		}
		// Handed to another rep, the customer's timeline shows them what is
		// in their activity scope: the customer's, not the leads' (still
		// rep1's); the manager sees it whole.
		c := rep.Do("GET", "/api/v1/customers/"+cust, nil).Want(200).Map()
		mgr.Do("PATCH", "/api/v1/customers/"+cust, map[string]any{"owner_id": me(t, e.Demo("east1.rep2@demo.local"))["id"]},
			"If-Match", fmt.Sprintf(`"%v"`, c["version"])).Want(200)
		if got := pages(e.Demo("east1.rep2@demo.local"), "&sort=-occurred_at"); !slices.Equal(got, []string{onContact, onCust}) {
			t.Fatalf("the new owner's timeline: %v", got)
		}
		if got := pages(mgr, "&sort=-occurred_at"); len(got) != 4 {
			t.Fatalf("the manager's timeline: %v", got)
		}
	})
}

// TestContactDeleteTakesItsRecords: deleting a contact deletes the
// activities on it (gone from my-day and the inbox) and its attachments
// (row and file); the customer's own stay.
func TestContactDeleteTakesItsRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dir := t.TempDir()
		e := apitest.StartWith(t, d, api.Options{Demo: true, Signup: true, DataDir: dir})
		rep := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep, map[string]any{"name": "删联系人公司"})["id"].(string)
		ct := newContact(t, rep, map[string]any{"customer_id": cust, "name": "要删的联系人"})["id"].(string)
		task := func(typ, id, title string) string {
			return newActivity(t, rep, map[string]any{"kind": "task", "subject_type": typ, "subject_id": id, "title": title,
				"due_at": time.Now().Add(-72 * time.Hour).Format(time.RFC3339)})["id"].(string)
		}
		onContact, onCustomer := task("contact", ct, "联系人的任务"), task("customer", cust, "客户的任务")
		if _, err := activity.SendReminders(context.Background(), e.DB, time.Now()); err != nil {
			t.Fatal(err)
		}
		file := attach(t, rep, "contact", ct, "名片.png", pngBytes()).Want(201).Map()["id"].(string)
		kept := attach(t, rep, "customer", cust, "合同.png", pngBytes()).Want(201).Map()["id"].(string)
		rep.Do("DELETE", "/api/v1/contacts/"+ct, nil, "If-Match", `"1"`).Want(204)
		m := cdMine(t, rep)
		if m[onContact] || m["inbox:"+onContact] || !m[onCustomer] || !m["inbox:"+onCustomer] {
			t.Fatalf("my day and inbox after the delete: %v", m)
		}
		rep.Do("GET", "/api/v1/attachments/"+file, nil).Want(404)
		if blobs := cdFiles(t, dir); blobs[file] || !blobs[kept] {
			t.Fatalf("blobs after the delete: %v (gone %s, kept %s)", blobs, file, kept)
		}
	})
}
