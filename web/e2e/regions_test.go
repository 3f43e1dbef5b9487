package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiRegion struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	ParentID *string `json:"parent_id"`
	Version  int64   `json:"version"`
}

func regionsOf(t *testing.T, c *apitest.Client) map[string]apiRegion {
	t.Helper()
	var page struct{ Items []apiRegion }
	c.Do("GET", "/api/v1/regions?limit=500", nil).Want(http.StatusOK).JSON(&page)
	out := map[string]apiRegion{}
	for _, r := range page.Items {
		out[r.Name] = r
	}
	return out
}

// newRegion creates a region through the API under parent ("" for the top).
func newRegion(t *testing.T, c *apitest.Client, name, parent string) apiRegion {
	t.Helper()
	body := map[string]any{"name": name}
	if parent != "" {
		body["parent_id"] = parent
	}
	var r apiRegion
	c.Do("POST", "/api/v1/regions", body).Want(http.StatusCreated).JSON(&r)
	return r
}

// TestRegionsFlow: an administrator adds a region under an existing one,
// renames it, is refused (and told why) deleting a region with
// sub-regions, and deletes a leaf at its version.
func TestRegionsFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		regionsFlow(t, apitest.Start(t, d))
	})
}

func regionsFlow(t *testing.T, env *apitest.Env) {
	admin := env.Login(adminEmail, demoPassword)
	east := newRegion(t, admin, "华东大区", "")
	jiangsu := newRegion(t, admin, "江苏", east.ID)

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(adminEmail, demoPassword)
	p.click(tid("nav-regions"))
	p.waitPath("/admin/regions")
	p.waitText(".ant-breadcrumb", "系统管理", "销售区域")
	p.waitText(tid("region-tree"), "华东大区", "江苏")

	// A sub-region of 江苏: the drawer starts with 江苏 as the parent.
	p.click(tid("region-node-江苏"))
	p.waitText(tid("region-detail"), "江苏", "华东大区 / 江苏")
	p.click(tid("region-add-child"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建区域")
	p.waitText(tid("region-parent")+" .ant-select-selection-item", "江苏")
	p.fill(tid("region-name"), "苏州工业区")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("region-name"))
	created, ok := regionsOf(t, admin)["苏州工业区"]
	if !ok || created.ParentID == nil || *created.ParentID != jiangsu.ID {
		t.Fatalf("created %+v, want 苏州工业区 under 江苏 (%s)", created, jiangsu.ID)
	}
	p.waitText(tid("region-path"), "华东大区 / 江苏 / 苏州工业区")

	// Renamed at its version.
	p.click(tid("region-edit"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "编辑区域：苏州工业区")
	p.fill(tid("region-name"), "苏州工业园区")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("region-name"))
	p.waitText(tid("region-tree"), "苏州工业园区")
	all := regionsOf(t, admin)
	renamed, ok := all["苏州工业园区"]
	if _, old := all["苏州工业区"]; !ok || old || renamed.ID != created.ID || renamed.Version != created.Version+1 {
		t.Fatalf("after the rename the server has %+v, want %s renamed 苏州工业园区 at version %d", all, created.ID, created.Version+1)
	}

	// 江苏 still has a sub-region: warned, and the server's refusal explained.
	p.click(tid("region-node-江苏"))
	p.waitText(tid("region-detail"), "华东大区 / 江苏")
	p.click(tid("region-delete"))
	p.waitText(".ant-popover", "删除区域“江苏”？", "1 个下级区域")
	p.click(tid("region-delete-ok"))
	p.waitText(".ant-modal", "无法删除“江苏”", "请先把下级区域移到别处或删除")
	if _, ok := regionsOf(t, admin)["江苏"]; !ok {
		t.Fatalf("江苏 was deleted although it has a sub-region")
	}
	p.click(".ant-modal .ant-btn-primary")
	p.waitGone(".ant-modal")

	// The leaf goes.
	p.click(tid("region-node-苏州工业园区"))
	p.waitText(tid("region-detail"), "华东大区 / 江苏 / 苏州工业园区")
	p.click(tid("region-delete"))
	p.waitText(".ant-popover", "删除区域“苏州工业园区”？")
	p.click(tid("region-delete-ok"))
	p.waitText(".ant-message", "已删除")
	if _, ok := regionsOf(t, admin)["苏州工业园区"]; ok {
		t.Fatalf("苏州工业园区 is still there after the delete")
	}
	p.waitJS("the leaf gone from the tree", fmt.Sprintf(`!document.querySelector(%s)`, js(tid("region-node-苏州工业园区"))))
}
