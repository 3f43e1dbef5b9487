package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestDuplicatesMerge: two leads with one phone (the second created anyway)
// form a cluster on the duplicates page; the newer one is picked to survive
// and the older merged into it after confirming. The API then has the older
// lead merged into the survivor, the survivor's history records the merge,
// and the cluster is gone.
func TestDuplicatesMerge(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		duplicatesMerge(t, apitest.Start(t, d))
	})
}

func duplicatesMerge(t *testing.T, env *apitest.Env) {
	const phone = "13755556666"
	rep := env.Login(rep1Email, demoPassword)
	var older, newer apiLead
	rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "孙丽", "company": "博远咨询", "phone": phone}).
		Want(http.StatusCreated).JSON(&older)
	rep.Do("POST", "/api/v1/leads", map[string]any{"contact_name": "孙丽丽", "company": "博远咨询有限公司", "phone": phone,
		"email": "sunli@boyuan.example", "allow_duplicate": true}).Want(http.StatusCreated).JSON(&newer)
	var clusters struct {
		Items []struct{ ID string }
	}
	rep.Do("GET", "/api/v1/leads/duplicate-clusters", nil).Want(http.StatusOK).JSON(&clusters)
	if len(clusters.Items) != 1 {
		t.Fatalf("duplicate clusters before the merge: %+v, want one", clusters.Items)
	}
	card := tid("cluster-" + clusters.Items[0].ID)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/leads")
	p.click(tid("open-duplicates"))
	p.waitPath("/leads/duplicates")
	p.waitText(card, "手机号: "+phone+" ×2", "孙丽", "孙丽丽", "博远咨询有限公司", rep1Name)
	// The oldest survives unless another is picked.
	survivor := func(id string) string {
		return fmt.Sprintf(`(() => { const el = document.querySelector(%s); return !!el && !!el.closest('.ant-radio-wrapper-checked'); })()`, js(tid("survivor-"+id)))
	}
	p.waitJS("the older lead picked to survive", survivor(older.ID))
	p.click(fmt.Sprintf(`.ant-radio-wrapper:has(%[1]s), .ant-radio-wrapper%[1]s`, tid("survivor-"+newer.ID)))
	p.waitJS("the newer lead picked to survive", survivor(newer.ID)+` && !`+survivor(older.ID))
	p.click(card + " " + tid("merge"))
	p.waitText(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-title", "把 1 条线索合并到“孙丽丽”？")
	p.snap("duplicates-1-confirm")
	p.click(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-buttons .ant-btn-primary")
	p.waitText(".ant-message", "已将 1 条线索合并到“孙丽丽”")
	p.waitGone(card)
	p.waitText("body", "没有重复线索")

	merged := rep.Do("GET", "/api/v1/leads/"+older.ID, nil).Want(http.StatusOK).Map()
	if merged["merged_into_id"] != newer.ID || merged["status"] != "disqualified" {
		t.Fatalf("the older lead after the merge: merged into %v, status %v; want merged into %s", merged["merged_into_id"], merged["status"], newer.ID)
	}
	if got := rep.Do("GET", "/api/v1/leads/"+newer.ID, nil).Want(http.StatusOK).Map(); got["merged_into_id"] != nil || got["status"] != "new" {
		t.Fatalf("the survivor after the merge: %v", got)
	}
	var hist struct {
		Items []struct {
			Action  string
			Changes []struct {
				Field string
				New   any
			}
		}
	}
	rep.Do("GET", "/api/v1/leads/"+newer.ID+"/history", nil).Want(http.StatusOK).JSON(&hist)
	mergedFrom := ""
	for _, it := range hist.Items {
		for _, ch := range it.Changes {
			if ch.Field == "merged_from" {
				mergedFrom = fmt.Sprint(ch.New)
			}
		}
	}
	if mergedFrom != fmt.Sprint([]any{older.ID}) {
		t.Fatalf("the survivor's history does not record the merge of %s: %+v", older.ID, hist.Items)
	}
	rep.Do("GET", "/api/v1/leads/duplicate-clusters", nil).Want(http.StatusOK).JSON(&clusters)
	if len(clusters.Items) != 0 {
		t.Fatalf("duplicate clusters after the merge: %+v", clusters.Items)
	}

	// The survivor's drawer shows the merge in its history, naming the merged lead.
	p.goTo("/leads")
	p.click(tid("row-"+newer.ID) + " td:nth-child(2)")
	p.waitText(".ant-drawer-open .ant-drawer-title", "孙丽丽")
	p.click(".ant-drawer-open " + tid("lead-tab-history"))
	p.waitText(".ant-drawer-open "+tid("history"), "合并自", "孙丽 · 博远咨询")
}
