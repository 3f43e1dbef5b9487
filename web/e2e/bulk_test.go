package e2e

import (
	"net/http"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

const managerEmail = "east1.manager@demo.local"

// userIDs maps the tenant's users' emails to their ids and names.
func userIDs(t *testing.T, c *apitest.Client) (ids, names map[string]string) {
	t.Helper()
	var users struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/users?limit=100", nil).Want(http.StatusOK).JSON(&users)
	ids, names = map[string]string{}, map[string]string{}
	for _, u := range users.Items {
		ids[u["email"].(string)], names[u["email"].(string)] = u["id"].(string), u["name"].(string)
	}
	return ids, names
}

// departmentID is the id of the department with the name.
func departmentID(t *testing.T, c *apitest.Client, name string) string {
	t.Helper()
	var deps struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/departments", nil).Want(http.StatusOK).JSON(&deps)
	for _, d := range deps.Items {
		if d["name"] == name {
			return d["id"].(string)
		}
	}
	t.Fatalf("no department %s in %v", name, deps.Items)
	return ""
}

// selectRow ticks the row's checkbox in the leads table.
func (p *page) selectRow(id string) {
	p.t.Helper()
	p.click(tid("row-"+id) + " .ant-checkbox")
	p.waitVisible(tid("row-"+id) + " .ant-checkbox-checked")
}

// TestLeadBulkBar: a manager ticks two leads and assigns them to another
// rep with a reason; filters by source and, from one ticked row, moves
// every lead the filter matches into a pool; then deletes a lead after
// confirming. Each result is read back through the API.
func TestLeadBulkBar(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		leadBulkBar(t, apitest.Start(t, d))
	})
}

func leadBulkBar(t *testing.T, env *apitest.Env) {
	const source, reason, poolReason = "批量展会", "调整分工", "集中跟进"
	admin := env.Login(adminEmail, demoPassword)
	ids, names := userIDs(t, admin)
	lead := func(name, src string) string {
		var l apiLead
		admin.Do("POST", "/api/v1/leads", map[string]any{"contact_name": name, "source": src, "owner_id": ids[rep1Email],
			"allow_duplicate": true}).Want(http.StatusCreated).JSON(&l)
		return l.ID
	}
	batch := []string{lead("批量甲", source), lead("批量乙", source), lead("批量丙", source)}
	other := lead("别处来的", "官网")
	var pool struct{ ID string }
	admin.Do("POST", "/api/v1/pools", map[string]any{"name": "批量公海", "department_id": departmentID(t, admin, "上海一组")}).
		Want(http.StatusCreated).JSON(&pool)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(managerEmail, demoPassword)
	p.goTo("/leads")
	for _, id := range append(batch, other) {
		p.waitVisible(tid("row-" + id))
	}

	// Two ticked rows → assigned to rep2 with a reason.
	p.selectRow(batch[0])
	p.selectRow(batch[1])
	p.waitText(tid("bulk-count"), "已选 2 条")
	p.click(tid("bulk-assign"))
	p.waitText(".ant-modal-title", "分配线索（已选 2 条）")
	p.choose("bulk-owner", names[rep2Email])
	p.click(tid("bulk-submit"))
	p.waitText(".ant-modal .ant-form-item-explain-error", "原因")
	p.fill(tid("bulk-reason"), reason)
	p.snap("bulk-1-assign")
	p.click(tid("bulk-submit"))
	p.waitGone(tid("lead-bulk-bar"))
	for i, id := range batch {
		want := ids[rep1Email]
		if i < 2 {
			want = ids[rep2Email]
		}
		got := admin.Do("GET", "/api/v1/leads/"+id, nil).Want(http.StatusOK).Map()
		if got["owner_id"] != want {
			t.Fatalf("lead %d after the bulk assign: owner %v, want %s", i, got["owner_id"], want)
		}
	}
	var events struct{ Items []map[string]any }
	admin.Do("GET", "/api/v1/leads/"+batch[0]+"/pool-events", nil).Want(http.StatusOK).JSON(&events)
	if len(events.Items) == 0 || events.Items[0]["kind"] != "assign" || events.Items[0]["reason"] != reason {
		t.Fatalf("pool history after the bulk assign: %v", events.Items)
	}
	p.waitText(tid("row-"+batch[0]), names[rep2Email])

	// Filtered by source, one row ticked, then "all matching" → the pool.
	p.fill(tid("leads-filter-source"), source)
	p.waitGone(tid("row-" + other))
	p.selectRow(batch[2])
	p.waitText(tid("bulk-count"), "已选 1 条")
	p.click(tid("bulk-all-matching"))
	p.waitText(tid("bulk-count"), "全部符合筛选条件的线索")
	p.click(tid("bulk-move"))
	p.waitText(".ant-modal-title", "移入公海（全部符合筛选条件的线索）")
	p.choose("bulk-pool", "批量公海 · 上海一组")
	p.fill(tid("bulk-reason"), poolReason)
	p.snap("bulk-2-move")
	p.click(tid("bulk-submit"))
	p.waitGone(tid("lead-bulk-bar"))
	for i, id := range batch {
		got := admin.Do("GET", "/api/v1/leads/"+id, nil).Want(http.StatusOK).Map()
		if got["owner_id"] != nil || got["pool_id"] != pool.ID {
			t.Fatalf("lead %d after the move by filter: owner %v pool %v, want none and %s", i, got["owner_id"], got["pool_id"], pool.ID)
		}
	}
	if got := admin.Do("GET", "/api/v1/leads/"+other, nil).Want(http.StatusOK).Map(); got["owner_id"] != ids[rep1Email] || got["pool_id"] != nil {
		t.Fatalf("the lead outside the filter was moved too: owner %v pool %v", got["owner_id"], got["pool_id"])
	}

	// Delete asks first; only the ticked lead goes.
	p.click(tid("leads-clear-filters"))
	p.waitVisible(tid("row-" + other))
	p.selectRow(other)
	p.click(tid("bulk-delete"))
	p.waitText(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-title", "确定删除：已选 1 条？")
	if admin.Do("GET", "/api/v1/leads/"+other, nil).Status != http.StatusOK {
		t.Fatal("the lead was deleted before the confirmation")
	}
	p.click(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-buttons .ant-btn-dangerous")
	p.waitGone(tid("row-" + other))
	admin.Do("GET", "/api/v1/leads/"+other, nil).Want(http.StatusNotFound)
	for _, id := range batch {
		admin.Do("GET", "/api/v1/leads/"+id, nil).Want(http.StatusOK)
	}
}
