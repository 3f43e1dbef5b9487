package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// FuzzRequestDecoding sends arbitrary bodies to write endpoints as an admin:
// whatever arrives, the answer is never a 5xx, and a refusal is problem+json.
func FuzzRequestDecoding(f *testing.F) {
	seeds := []string{
		`{"name":"销售部"}`, `{"name":""}`, `{"name":null}`, `{"name":5}`, `{`, `[]`, `null`, ``, `"x"`,
		`{"name":"a","parent_id":"not-a-uuid"}`, `{"name":"a","extra":true}`, `{"name":"\u0000"}`,
		`{"email":"a@b.c","name":"n","password":"0123456789abc","role_id":"00000000-0000-7000-8000-000000000000"}`,
		`{"name":"` + strings.Repeat("长", 200) + `"}`, `{"name":"a"}{"name":"b"}`, "\xff\xfe{}", `{"permissions":[1,2]}`,
		`{"contact_name":"赵","phone":"+86 138 0013 8000","company":"（上海）某某有限公司","score":50}`, `{"status":"disqualified"}`,
		`{"name":"公海","department_id":"00000000-0000-7000-8000-000000000000","claim_limit":-1,"member_ids":["x","x"]}`,
		`{"name":"规则","department_id":"00000000-0000-7000-8000-000000000000","conditions":{"region":5},"per_rep_cap":1e9}`,
		`{"reason":"放回","owner_id":"not-a-uuid"}`, `{"reason":""}`,
		`{"next_follow_up_at":null,"last_follow_up_at":"2030-01-01T00:00:00Z"}`, `{"next_follow_up_at":[null],"last_follow_up_at":{}}`,
		`{"name":"（北京）华夏数据股份有限公司","grade":"A","size":"large","key_customer":true}`, `{"name":"a","grade":""}`,
		`{"customer_id":"00000000-0000-7000-8000-000000000000","name":"王总","decision_role":"decision_maker"}`,
		`{"customer":{},"contact":{"name":"  "}}`, `{"customer_id":"00000000-0000-7000-8000-000000000000"}`,
		`{"customer":{"name":"x"},"customer_id":"x","opportunity":null}`, `{"customer":null}`,
		`{"kind":"visit","status":"planned","subject_type":"customer","subject_id":"00000000-0000-7000-8000-000000000000","title":"拜访","due_at":"2030-01-01T00:00:00Z","commitment":"技术交流"}`,
		`{"kind":"task","subject_type":"lead","subject_id":"x","title":"t","due_at":"yesterday","remind_at":null}`,
		`{"status":"done","commitment_won":"yes","occurred_at":"9999-12-31T23:59:59Z"}`,
		`{"customer_id":"00000000-0000-7000-8000-000000000000","name":"商机","amount":{"amount":123450,"currency":"CNY"},"expected_close":"2030-06-30"}`,
		`{"amount":{"amount":12.5,"currency":"cny"},"expected_close":"2030-02-30","need_score":9}`, `{"amount":{"amount":"1"}}`,
		`{"stage_id":"00000000-0000-7000-8000-000000000000","loss_reason":""}`, `{"stage_id":5}`,
		`{"name":"流程","stages":[{"name":"a","probability":101,"kind":"won","required_tasks":["",""]}]}`,
		`{"mapping":{"0":"contact_name","x":"phone"},"duplicate_policy":"update"}`, `{"mapping":{"":""},"duplicate_policy":"nope"}`,
		`{"from_ids":["00000000-0000-7000-8000-000000000000"],"fields":{"email":"00000000-0000-7000-8000-000000000000"}}`,
		`{"from_ids":"x","fields":{"score":5}}`, `{"from_ids":[null,""],"fields":null}`,
		`{"name":"官网表单","target":"rules","pool_id":"00000000-0000-7000-8000-000000000000","rate_limit_per_hour":0}`,
		`{"action":"assign","ids":["00000000-0000-7000-8000-000000000000","x"],"owner_id":"x","reason":"批量"}`,
		`{"action":"move_to_pool","filter":{"status":"nope","created_from":"x"},"pool_id":""}`, `{"successor_id":"x"}`,
		`{"name":"张三","phone":"138\u0000","email":"a@b","message":"` + strings.Repeat("留", 2001) + `","website":""}`,
		`{"enabled":true}`, `{"enabled":"yes"}`, `{"enabled":null}`, `{"name":"客户公海","kind":"customer","department_id":"00000000-0000-7000-8000-000000000000"}`, `{"kind":"both"}`,
		`{"currency":"CNY","rules":[{"kind":"field","field":"size","values":["large"],"points":5},{"kind":"behaviour","metric":"won_amount","thresholds":[{"min":1,"points":2}]}],"grades":{"a":80,"b":50,"c":20},"key_customer":{"min_grade":"A","won_amount":0},"matrix":{"value":[1,2],"potential":[1,2]}}`,
		`{"currency":"CNY","rules":[{"kind":"behaviour","metric":"open_pipeline","thresholds":[{"min":9,"points":1},{"min":1,"points":1}]}],"grades":{"a":1,"b":2,"c":3},"matrix":{"value":[-1],"potential":null}}`,
		`{"rules":[{"kind":"field","field":"revenue","operator":"in","amount":-5,"points":1e9}]}`, `{"annual_revenue":-1,"key_customer_auto":true,"key_customer":false}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	e := apitest.Start(f, openSQLiteTB(f))
	token := e.Demo("admin@demo.local").Token
	targets := []struct{ method, path string }{
		{"POST", "/api/v1/departments"}, {"POST", "/api/v1/users"}, {"POST", "/api/v1/roles"},
		{"POST", "/api/v1/tokens"}, {"POST", "/api/v1/sessions"}, {"PATCH", "/api/v1/roles/00000000-0000-7000-8000-000000000000"},
		{"POST", "/api/v1/leads"}, {"PATCH", "/api/v1/leads/00000000-0000-7000-8000-000000000000"},
		{"POST", "/api/v1/pools"}, {"POST", "/api/v1/regions"}, {"POST", "/api/v1/assignment-rules"},
		{"POST", "/api/v1/leads/00000000-0000-7000-8000-000000000000/claim"},
		{"POST", "/api/v1/leads/00000000-0000-7000-8000-000000000000/return"},
		{"POST", "/api/v1/leads/00000000-0000-7000-8000-000000000000/assign"},
		{"POST", "/api/v1/customers"}, {"POST", "/api/v1/contacts"}, {"PATCH", "/api/v1/customers/00000000-0000-7000-8000-000000000000"},
		{"POST", "/api/v1/leads/00000000-0000-7000-8000-000000000000/convert"},
		{"POST", "/api/v1/activities"}, {"PATCH", "/api/v1/activities/00000000-0000-7000-8000-000000000000"},
		{"POST", "/api/v1/inbox/00000000-0000-7000-8000-000000000000/read"},
	}
	targets = append(targets, []struct{ method, path string }{
		{"POST", "/api/v1/opportunities"}, {"PATCH", "/api/v1/opportunities/00000000-0000-7000-8000-000000000000"},
		{"POST", "/api/v1/opportunities/00000000-0000-7000-8000-000000000000/stage"},
		{"POST", "/api/v1/pipelines"}, {"PATCH", "/api/v1/pipelines/00000000-0000-7000-8000-000000000000"},
		{"POST", "/api/v1/imports"}, {"POST", "/api/v1/imports/00000000-0000-7000-8000-000000000000/start"},
		{"POST", "/api/v1/leads/00000000-0000-7000-8000-000000000000/merge"}, {"POST", "/api/v1/attachments"},
		{"POST", "/api/v1/web-forms"}, {"PATCH", "/api/v1/web-forms/00000000-0000-7000-8000-000000000000"},
		{"POST", "/api/v1/leads/bulk"}, {"POST", "/api/v1/users/00000000-0000-7000-8000-000000000000/offboard"},
		{"POST", "/f/no-such-token"},
		{"PATCH", "/api/v1/settings/customer-pools"},
		{"POST", "/api/v1/customers/00000000-0000-7000-8000-000000000000/claim"},
		{"POST", "/api/v1/customers/00000000-0000-7000-8000-000000000000/return"},
		{"PUT", "/api/v1/scoring-model"},
	}...)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		tg := targets[int(which)%len(targets)]
		req := httptest.NewRequest(tg.method, tg.path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("If-Match", `"1"`)
		w := httptest.NewRecorder()
		e.Server.Handler.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", tg.method, tg.path, body, w.Code, w.Body)
		}
		if w.Code >= 400 && w.Code != http.StatusTooManyRequests && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
			t.Fatalf("%s %s %q: %d with content type %q", tg.method, tg.path, body, w.Code, w.Header().Get("Content-Type"))
		}
	})
}
