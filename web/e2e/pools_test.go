package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

type apiPoolEvent struct {
	Kind   string  `json:"kind"`
	UserID *string `json:"user_id"`
	Reason string  `json:"reason"`
}

// poolLeadIDs lists the ids of the leads in a pool, as c sees them.
func poolLeadIDs(t *testing.T, c *apitest.Client, poolID string) map[string]bool {
	t.Helper()
	var page struct{ Items []struct{ ID string } }
	c.Do("GET", "/api/v1/pools/"+poolID+"/leads?limit=500", nil).Want(http.StatusOK).JSON(&page)
	out := map[string]bool{}
	for _, l := range page.Items {
		out[l.ID] = true
	}
	return out
}

// eastPool makes a pool for rep1's department with rep1 as its only member
// and one lead in it, returned there by rep2; it answers the pool's and the
// lead's ids.
func eastPool(t *testing.T, env *apitest.Env, contact, company string, cooldown int) (poolID, leadID string) {
	t.Helper()
	admin := env.Login(adminEmail, demoPassword)
	rep1 := userByEmail(t, admin, rep1Email)
	var pool struct{ ID string }
	admin.Do("POST", "/api/v1/pools", map[string]any{"name": "华东一部公海", "department_id": *rep1.DepartmentID,
		"member_ids": []string{rep1.ID}, "claim_limit": 30, "reclaim_cooldown_days": cooldown}).Want(http.StatusCreated).JSON(&pool)
	rep2 := env.Login(rep2Email, demoPassword)
	var lead struct{ ID string }
	rep2.Do("POST", "/api/v1/leads", map[string]any{"contact_name": contact, "company": company, "region": "上海",
		"industry": "制造业", "phone": "13700001234"}).Want(http.StatusCreated).JSON(&lead)
	var o struct {
		PoolID *string `json:"pool_id"`
	}
	rep2.Do("POST", "/api/v1/leads/"+lead.ID+"/return", map[string]any{"reason": "客户暂无需求"}).Want(http.StatusOK).JSON(&o)
	if o.PoolID == nil || *o.PoolID != pool.ID {
		t.Fatalf("the returned lead went to pool %v, want %s", o.PoolID, pool.ID)
	}
	return pool.ID, lead.ID
}

// TestPoolsFlow: a rep opens the pool page, claims a lead (it leaves the
// pool and shows among the rep's leads), returns it from the lead drawer with
// a reason (it is back in the pool), and a new claim is refused by the
// pool's cooldown with the server's message.
func TestPoolsFlow(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		poolsFlow(t, apitest.Start(t, d))
	})
}

func poolsFlow(t *testing.T, env *apitest.Env) {
	const (
		contact, company = "孙海洋", "海纳百川贸易有限公司"
		reason           = "多次联系不上，退回公海"
	)
	poolID, leadID := eastPool(t, env, contact, company, 3)
	rep := env.Login(rep1Email, demoPassword)
	repID := userByEmail(t, env.Login(adminEmail, demoPassword), rep1Email).ID

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.click(tid("nav-pools"))
	p.waitPath("/pools")
	p.waitText(".ant-breadcrumb", "销售", "公海")
	p.waitText(tid("pool-select"), "华东一部公海")
	p.waitText(tid("pool-rules"), "持有未结线索少于 30 条时可领取", "再领取冷却（天）: 3 天")
	p.waitText(".ant-table-thead", "联系人", "公司", "区域", "行业", "进入公海")
	p.waitText(tid("row-"+leadID), contact, company, "上海", "制造业")
	if text := p.text(tid("row-" + leadID)); strings.Contains(text, "13700001234") {
		t.Errorf("a pooled lead shows its phone before it is claimed: %q", text)
	}
	p.snap("pools-1-list")

	// Claim: it leaves the pool and is the rep's.
	p.click(tid("claim-" + leadID))
	p.waitText(".ant-message", "已领取“"+contact+"”")
	p.waitGone(tid("row-" + leadID))
	var lead apiLead
	rep.Do("GET", "/api/v1/leads/"+leadID, nil).Want(http.StatusOK).JSON(&lead)
	if lead.OwnerID == nil || *lead.OwnerID != repID {
		t.Fatalf("after the claim the lead's owner is %v, want %s", lead.OwnerID, repID)
	}
	if poolLeadIDs(t, rep, poolID)[leadID] {
		t.Fatal("the claimed lead is still in the pool")
	}
	p.click(tid("nav-leads"))
	p.waitPath("/leads")
	p.waitText(tid("row-"+leadID), contact, company, "13700001234")

	// Return it from the drawer with a reason.
	p.click(tid("row-" + leadID))
	p.waitVisible(".ant-drawer-open " + tid("lead-return"))
	p.click(tid("lead-return"))
	p.fill(tid("lead-return-reason"), reason)
	p.click(tid("lead-return-submit"))
	p.waitText(".ant-message", "已退回公海")
	if !poolLeadIDs(t, rep, poolID)[leadID] {
		t.Fatal("the returned lead is not back in the pool")
	}
	var events struct{ Items []apiPoolEvent }
	rep.Do("GET", "/api/v1/leads/"+leadID+"/pool-events", nil).Want(http.StatusOK).JSON(&events)
	if len(events.Items) == 0 || events.Items[0].Kind != "return" || events.Items[0].Reason != reason {
		t.Fatalf("latest pool event = %+v, want a return with reason %q", events.Items, reason)
	}

	// Back in the pool page; claiming again is refused by the cooldown, with the server's words.
	p.click(tid("nav-pools"))
	p.waitPath("/pools")
	p.waitText(tid("row-"+leadID), contact)
	p.click(tid("claim-" + leadID))
	p.waitText(".ant-message", "冷却期内不能再次领取", "reclaim_cooldown_days")
	p.waitVisible(tid("row-" + leadID))
	if !poolLeadIDs(t, rep, poolID)[leadID] {
		t.Fatal("a refused claim took the lead out of the pool")
	}
}

// TestPoolsNarrowEnglish: the pool page in English on a phone, and a rep
// who is not a member sees the pool's leads without a way to claim them.
func TestPoolsNarrowEnglish(t *testing.T) {
	const width = 375
	env := startServer(t)
	_, leadID := eastPool(t, env, "周小川", "远景能源有限公司", 0)
	p := openPage(t, env, width, 812)
	p.goTo("/login")
	p.click(tid("lang-en"))
	p.login("east1.manager@demo.local", demoPassword)
	p.goTo("/pools")
	p.waitText(".ant-table-thead", "Contact", "Region", "Industry", "Pooled at")
	p.waitText(tid("row-"+leadID), "周小川", "远景能源有限公司")
	p.waitText(tid("pool-not-member"), "You are not a member of this pool")
	p.waitText(tid("pool-rules"), "fewer than 30 open leads", "Members: 1")
	disabled, err := eval[bool](p.ctx, `document.querySelector('[data-testid="claim-`+leadID+`"]').disabled`)
	if err != nil || !disabled {
		t.Errorf("a non-member's claim button is enabled (err %v)", err)
	}
	p.checkNoOverflow(width)
	p.snap("pools-narrow-en")
	p.click(tid("pool-edit"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "Edit pool: 华东一部公海")
	p.waitText(tid("pool-members"), "李娜")
	p.checkNoOverflow(width)
	p.snap("pools-narrow-en-edit")
}

// TestPoolsAdmin: a manager creates a pool from the pools page (department,
// member, claim limit) and the API has it as entered.
func TestPoolsAdmin(t *testing.T) {
	env := startServer(t)
	admin := env.Login(adminEmail, demoPassword)
	rep1 := userByEmail(t, admin, rep1Email)
	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login("east1.manager@demo.local", demoPassword)
	p.click(tid("nav-pools"))
	p.waitVisible(tid("pools-empty"))
	p.click(tid("pool-create"))
	p.waitText(".ant-drawer-open .ant-drawer-title", "新建公海")
	p.fill(tid("pool-name"), "上海一组公海")
	p.chooseTree("pool-department", "上海一组")
	p.openSelect("pool-members", openDropdown+".ant-select-item-option", rep1Name+" · "+rep1Email)
	p.clickText(openDropdown+".ant-select-item-option", rep1Name+" · "+rep1Email)
	p.waitText(tid("pool-members")+" .ant-select-selection-item", rep1Name)
	p.press("\x1b")
	p.fill(tid("pool-claim-limit"), "5")
	p.fill(tid("pool-cooldown"), "2")
	p.snap("pools-admin-form")
	p.click(".ant-drawer-open " + tid("form-submit"))
	p.waitGone(".ant-drawer-open " + tid("pool-name"))
	p.waitText(tid("pool-select"), "上海一组公海")
	p.waitText(tid("pool-rules"), "上海一组", "持有未结线索少于 5 条时可领取", "再领取冷却（天）: 2 天", "成员 1 人")

	var pools struct {
		Items []struct {
			Name                string   `json:"name"`
			DepartmentID        string   `json:"department_id"`
			ClaimLimit          int      `json:"claim_limit"`
			ReclaimCooldownDays int      `json:"reclaim_cooldown_days"`
			MemberIDs           []string `json:"member_ids"`
		}
	}
	admin.Do("GET", "/api/v1/pools", nil).Want(http.StatusOK).JSON(&pools)
	if len(pools.Items) != 1 {
		t.Fatalf("pools = %+v, want the one created", pools.Items)
	}
	got := pools.Items[0]
	if got.Name != "上海一组公海" || got.DepartmentID != *rep1.DepartmentID || got.ClaimLimit != 5 || got.ReclaimCooldownDays != 2 ||
		len(got.MemberIDs) != 1 || got.MemberIDs[0] != rep1.ID {
		t.Fatalf("created pool = %+v", got)
	}
}

// TestCustomerPoolClaim: with customer pools switched on, a customer a
// colleague returned sits in the team's customer pool; a member claims it
// on the pools page and it is theirs.
func TestCustomerPoolClaim(t *testing.T) {
	sharedBrowser(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		customerPoolClaim(t, apitest.Start(t, d))
	})
}

func customerPoolClaim(t *testing.T, env *apitest.Env) {
	admin := env.Login(adminEmail, demoPassword)
	rep1 := userByEmail(t, admin, rep1Email)
	admin.Do("PATCH", "/api/v1/settings/customer-pools", map[string]any{"enabled": true}).Want(http.StatusOK)
	var pool struct{ ID string }
	admin.Do("POST", "/api/v1/pools", map[string]any{"name": "上海一组客户公海", "kind": "customer",
		"department_id": *rep1.DepartmentID, "member_ids": []string{rep1.ID}}).Want(http.StatusCreated).JSON(&pool)
	rep2 := env.Login(rep2Email, demoPassword)
	var c struct{ ID string }
	rep2.Do("POST", "/api/v1/customers", map[string]any{"name": "远洋航运有限公司", "allow_duplicate": true}).
		Want(http.StatusCreated).JSON(&c)
	var o struct {
		PoolID *string `json:"pool_id"`
	}
	rep2.Do("POST", "/api/v1/customers/"+c.ID+"/return", map[string]any{"reason": "暂无合作计划"}).Want(http.StatusOK).JSON(&o)
	if o.PoolID == nil || *o.PoolID != pool.ID {
		t.Fatalf("the returned customer went to pool %v, want %s", o.PoolID, pool.ID)
	}

	p := openPage(t, env, 1280, 900)
	p.goTo("/login")
	p.login(rep1Email, demoPassword)
	p.goTo("/pools?pool=" + pool.ID)
	p.waitText(tid("pool-customers"), "远洋航运有限公司")
	p.click(tid("claim-customer-" + c.ID))
	p.waitText(".ant-message", "已领取 远洋航运有限公司")
	var got struct {
		OwnerID *string `json:"owner_id"`
	}
	env.Login(rep1Email, demoPassword).Do("GET", "/api/v1/customers/"+c.ID, nil).Want(http.StatusOK).JSON(&got)
	if got.OwnerID == nil || *got.OwnerID != rep1.ID {
		t.Fatalf("after the claim the customer's owner is %v, want %s", got.OwnerID, rep1.ID)
	}
	// The customer's history starts with its pool record: the return with
	// its reason, then the claim.
	p.goTo("/customers/" + c.ID)
	p.click(tid("customer-tab-history"))
	p.waitText(tid("customer-pool-events"), "公海记录", "退回公海", "暂无合作计划", "领取")
}
