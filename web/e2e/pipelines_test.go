package e2e

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiStage struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	Probability   int      `json:"probability"`
	RotDays       int      `json:"rot_days"`
	RequiredTasks []string `json:"required_tasks"`
}

type apiPipeline struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	IsDefault bool       `json:"is_default"`
	Stages    []apiStage `json:"stages"`
	Version   int64      `json:"version"`
}

// pipelines lists the tenant's pipelines through the API.
func pipelines(t *testing.T, c *apitest.Client) []apiPipeline {
	t.Helper()
	var page struct{ Items []apiPipeline }
	c.Do("GET", "/api/v1/pipelines", nil).Want(http.StatusOK).JSON(&page)
	return page.Items
}

func pipelineByName(t *testing.T, c *apitest.Client, name string) *apiPipeline {
	t.Helper()
	for _, p := range pipelines(t, c) {
		if p.Name == name {
			return &p
		}
	}
	return nil
}

// stageSummary is "name kind probability% [tasks]" per stage, to compare in one go.
func stageSummary(p *apiPipeline) []string {
	var out []string
	for _, s := range p.Stages {
		out = append(out, s.Name+" "+s.Kind+" "+strconv.Itoa(s.Probability)+"% ["+strings.Join(s.RequiredTasks, ",")+"]")
	}
	return out
}

// TestPipelineAdmin is an admin defining a sales process in Chinese: a new
// pipeline of three open stages (one with a required task) plus won and
// lost, listed with its stages; a stage moved and a probability changed and
// saved (checked through the API); a duplicate name refused at the name
// field; and the board showing the new pipeline's columns. A rep gets
// neither the menu entry nor the page.
func TestPipelineAdmin(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		pipelineAdmin(t, apitest.Start(t, d))
	})
}

func pipelineAdmin(t *testing.T, env *apitest.Env) {
	const name = "渠道销售"
	admin := env.Login(adminEmail, demoPassword)
	drawer := ".ant-drawer-open "

	p := openPage(t, env, 1280, 900)
	p.login(adminEmail, demoPassword)
	if nav := p.navText(); !strings.Contains(nav, "销售流程") {
		t.Fatalf("the admin's menu %q has no 销售流程", nav)
	}
	p.click(tid("nav-pipelines"))
	p.waitPath("/admin/pipelines")
	p.waitText(".ant-breadcrumb", "系统管理", "销售流程")
	def := pipelines(t, admin)[0]
	p.waitText(tid("pipeline-"+def.ID), "默认销售流程", "默认", "需求确认", "确认预算", "25%", "14 天", "赢单", "输单")

	// A new pipeline: three open stages, the middle one with a required task.
	p.click(tid("create-pipeline"))
	p.waitText(drawer+".ant-drawer-title", "新建销售流程")
	p.fill(tid("pipeline-name"), name)
	p.fill(tid("stage-name-0"), "线索确认")
	p.click(tid("stage-add"))
	p.click(tid("stage-add"))
	p.waitText(tid("stage-3"), "赢单")
	p.waitText(tid("stage-4"), "输单")
	p.fill(tid("stage-name-1"), "方案演示")
	p.fill(tid("stage-probability-1"), "40")
	p.fill(tid("stage-tasks-1"), "演示确认")
	p.press("\r")
	p.waitText(tid("stage-tasks-1")+" .ant-select-selection-item", "演示确认")
	p.fill(tid("stage-name-2"), "商务谈判")
	p.fill(tid("stage-probability-2"), "70")
	p.snap("pipelines-1-create")
	p.click(drawer + tid("form-submit"))
	p.waitGone(drawer + tid("pipeline-name"))

	created := pipelineByName(t, admin, name)
	if created == nil {
		t.Fatalf("pipeline %s was not created", name)
	}
	want := []string{"线索确认 open 10% []", "方案演示 open 40% [演示确认]", "商务谈判 open 70% []", "赢单 won 100% []", "输单 lost 0% []"}
	if got := stageSummary(created); !slices.Equal(got, want) || created.IsDefault {
		t.Fatalf("created %v (default %v), want %v and not the default", got, created.IsDefault, want)
	}
	card := tid("pipeline-" + created.ID)
	p.waitText(card, name, "5 个阶段", "线索确认", "方案演示", "演示确认", "40%", "商务谈判", "70%", "进行中", "赢单", "输单")

	// Edit: 方案演示 moves up first, 商务谈判 goes to 80%.
	p.click(tid("pipeline-edit-" + created.ID))
	p.waitText(drawer+".ant-drawer-title", "编辑销售流程："+name)
	p.click(tid("stage-up-1"))
	p.waitJS("方案演示 to move up", `document.querySelector('[data-testid="stage-name-0"]').value === "方案演示"`)
	p.fill(tid("stage-probability-2"), "80")
	p.click(drawer + tid("form-submit"))
	p.waitGone(drawer + tid("pipeline-name"))
	edited := pipelineByName(t, admin, name)
	want = []string{"方案演示 open 40% [演示确认]", "线索确认 open 10% []", "商务谈判 open 80% []", "赢单 won 100% []", "输单 lost 0% []"}
	if got := stageSummary(edited); !slices.Equal(got, want) || edited.Version != created.Version+1 {
		t.Fatalf("after the edit %v at version %d, want %v at version %d", got, edited.Version, want, created.Version+1)
	}
	// The stages are the same ones, kept (their history with them), not new ones.
	if edited.Stages[0].ID != created.Stages[1].ID || edited.Stages[2].ID != created.Stages[2].ID {
		t.Fatalf("the edit replaced the stages: %+v, was %+v", edited.Stages, created.Stages)
	}
	p.waitText(card, "80%")

	// A second pipeline of an existing name: refused at the name field, nothing created.
	p.click(tid("create-pipeline"))
	p.fill(tid("pipeline-name"), name)
	p.fill(tid("stage-name-0"), "接洽")
	p.click(drawer + tid("form-submit"))
	p.waitText(drawer+".ant-form-item-explain-error", "已有同名的销售流程")
	p.snap("pipelines-2-duplicate")
	if n := len(pipelines(t, admin)); n != 2 {
		t.Fatalf("%d pipelines after the refused create, want 2", n)
	}
	p.click(drawer + ".ant-drawer-footer .ant-btn:not(.ant-btn-primary)")
	p.waitGone(drawer + tid("pipeline-name"))

	// The board offers the new pipeline; picked, its stages are the columns.
	p.click(tid("nav-board"))
	p.waitPath("/opportunities/board")
	p.choose("board-pipeline", name)
	for _, s := range edited.Stages {
		p.waitText(tid("column-"+s.ID), s.Name)
	}

	// The new pipeline becomes the default; the old one, which an opportunity
	// uses, is then refused deletion with the reason shown.
	cu := createCustomer(t, admin, "澄江物流有限公司")
	admin.Do("POST", "/api/v1/opportunities", map[string]any{"customer_id": cu, "name": "澄江物流 TMS", "pipeline_id": def.ID,
		"amount": map[string]any{"amount": 500000, "currency": "CNY"}, "expected_close": "2026-12-31"}).Want(http.StatusCreated)
	p.click(tid("nav-pipelines"))
	p.waitPath("/admin/pipelines")
	p.click(tid("pipeline-make-default-" + created.ID))
	p.waitText(card+" "+tid("pipeline-default-tag"), "默认")
	if now := pipelineByName(t, admin, name); !now.IsDefault {
		t.Fatalf("%s is not the default after 设为默认", name)
	}
	p.click(tid("pipeline-delete-" + def.ID))
	p.click(".ant-popover:not(.ant-popover-hidden) .ant-popconfirm-buttons .ant-btn-primary")
	p.waitText(".ant-modal-confirm", "无法删除“默认销售流程”", "有 1 个商机在使用这个流程")
	p.snap("pipelines-3-delete-refused")
	if pipelineByName(t, admin, "默认销售流程") == nil {
		t.Fatal("the refused delete removed the pipeline")
	}

	// A rep has no pipeline.manage: no menu entry, and the page is refused.
	r := openPage(t, env, 1280, 900)
	r.login(rep1Email, demoPassword)
	if nav := r.navText(); strings.Contains(nav, "销售流程") || !strings.Contains(nav, "商机看板") {
		t.Fatalf("the rep's menu %q: want 商机看板 and no 销售流程", nav)
	}
	r.goTo("/admin/pipelines")
	r.waitText(".ant-result", "403", "您没有执行此操作的权限")
	if strings.Contains(r.bodyText(), "新建销售流程") {
		t.Fatal("the rep sees the create button")
	}
}
