package api_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// Creates of concurrent requests are written together (lead.Create's
// combiner); each still stands alone: of creates racing with the same
// phone one is written and the others are refused naming it, while creates
// of different people are all written, each with its own audit entry, and
// each answer is the lead as a read returns it. (Creates on two instances
// of the server are not combined and may both pass the check.)
func TestConcurrentCreates(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		const n = 24
		type answer struct {
			code int
			body []byte
		}
		race := func(body func(i int) map[string]any) []answer {
			out := make([]answer, n)
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := admin.Do("POST", "/api/v1/leads", body(i))
					out[i] = answer{r.Status, r.Body}
				}()
			}
			wg.Wait()
			return out
		}

		same := race(func(i int) map[string]any {
			return map[string]any{"contact_name": fmt.Sprintf("抢注%d", i), "phone": "139 0000 7777"}
		})
		winners := map[string]bool{}
		for _, a := range same {
			if a.code == 201 {
				var l map[string]any
				_ = json.Unmarshal(a.body, &l)
				winners[l["id"].(string)] = true
			}
		}
		if len(winners) != 1 {
			t.Fatalf("%d creates with one phone were written, want 1", len(winners))
		}
		for _, a := range same {
			if a.code == 201 {
				continue
			}
			var p struct{ Duplicates []struct{ ID string } }
			_ = json.Unmarshal(a.body, &p)
			if a.code != 409 || len(p.Duplicates) == 0 {
				t.Fatalf("a losing create: %d %s", a.code, a.body)
			}
			for _, d := range p.Duplicates {
				if !winners[d.ID] {
					t.Fatalf("a losing create names %s, not a winner %v", d.ID, winners)
				}
			}
		}

		distinct := race(func(i int) map[string]any {
			return map[string]any{"contact_name": fmt.Sprintf("并发%d", i), "company": fmt.Sprintf("并发公司%d号", i),
				"phone": fmt.Sprintf("137%08d", i), "email": fmt.Sprintf("c%d@race.example", i), "title": ""}
		})
		for i, a := range distinct {
			if a.code != 201 {
				t.Fatalf("create %d: %d %s", i, a.code, a.body)
			}
			var created map[string]any
			_ = json.Unmarshal(a.body, &created)
			id := created["id"].(string)
			if got := admin.Do("GET", "/api/v1/leads/"+id, nil).Want(200).Map(); !reflect.DeepEqual(got, created) {
				t.Fatalf("the create's answer is not the lead as read:\n%v\n%v", created, got)
			}
			var h struct {
				Items []struct {
					Action  string
					Changes []struct{ Field string }
				}
			}
			admin.Do("GET", "/api/v1/leads/"+id+"/history", nil).Want(200).JSON(&h)
			if len(h.Items) != 1 || h.Items[0].Action != "create" {
				t.Fatalf("lead %d history: %+v", i, h.Items)
			}
			for _, c := range h.Items[0].Changes {
				if c.Field == "title" {
					t.Fatalf("a create's history lists an empty field: %+v", h.Items[0].Changes)
				}
			}
		}
	})
}
