package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/assign"
	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/customer"
	"github.com/rudder-crm/rudder/internal/deal"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
	"github.com/rudder-crm/rudder/internal/pool"
	"github.com/rudder-crm/rudder/internal/region"
	"github.com/rudder-crm/rudder/internal/scoring"
	"github.com/rudder-crm/rudder/internal/webform"
)

// Size is how much history History writes.
type Size struct {
	Leads, Customers, Opportunities int
	Months                          int // how far back the history reaches
}

// FullHistory is the demo tenant's history as `rudder demo` and
// `rudder serve --demo` load it: enough for the board, the funnel and the
// 360° pages to look like a company's, and small enough to load in seconds.
var FullHistory = Size{Leads: 5000, Customers: 1500, Opportunities: 2000, Months: 18}

// History gives the demo tenant a past: territories, pools, an assignment
// rule, and leads, customers with contacts, opportunities with their stage
// history and activities spread over the months before now. It does nothing
// (and reports false) when the demo tenant already has leads, so a restart
// never doubles it. It runs in one transaction.
//
// The settings (regions, pools, the rule) go through their services like any
// admin's; the records are written in batches straight into their tables,
// because a history of 40,000 rows through the one-record API paths would
// take minutes. Each record still gets its create entry in the audit trail,
// by its owner at its creation time, so its history page starts where it did.
func History(ctx context.Context, d *db.DB, now time.Time, size Size) (bool, error) {
	var tenantID, tenantName string
	err := d.Read.NewSelect().Table("tenants").Column("id", "name").Where("demo = ?", true).
		OrderExpr("created_at").Limit(1).Scan(ctx, &tenantID, &tenantName)
	if err != nil {
		return false, fmt.Errorf("demo history: no demo tenant: %w", err)
	}
	n, err := d.Read.NewSelect().Table("leads").Where("tenant_id = ?", tenantID).Count(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	perms := map[string]bool{}
	for _, p := range auth.Permissions {
		perms[p] = true
	}
	ctx = auth.With(ctx, &auth.Principal{TenantID: tenantID, TenantName: tenantName, UserID: "system", UserName: "system",
		Perms: perms, Scope: auth.ScopeAll})
	ctx = httpx.WithRequestID(ctx, "demo-history-"+httpx.NewRequestID())
	err = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		g, err := newGenerator(ctx, d, tx, tenantID, now, size)
		if err != nil {
			return err
		}
		return g.run(ctx)
	})
	return err == nil, err
}

// person is a demo user who owns records.
type person struct {
	id, name, dept, team, region string
}

type generator struct {
	d          *db.DB
	tx         bun.Tx
	tenant     string
	now        time.Time
	start      time.Time
	size       Size
	rnd        *rand.Rand
	reps       []person
	byRegion   map[string][]person // 华东大区 / 华南大区 → reps
	pools      map[string]string   // 华东大区 / 华南大区 → pool id
	regionDept map[string]string   // 华东大区 / 华南大区 → department id
	forms      []string            // the web forms, in regionOrder
	pipeline   string
	stages     []deal.PipelineStage // by position: open stages, then won, lost
	audit      []audit.Entry
	seq        int
}

func newGenerator(ctx context.Context, d *db.DB, tx bun.Tx, tenant string, now time.Time, size Size) (*generator, error) {
	g := &generator{d: d, tx: tx, tenant: tenant, now: now.UTC(), size: size,
		rnd: rand.New(rand.NewPCG(20261123, uint64(size.Leads))), byRegion: map[string][]person{}, pools: map[string]string{}, regionDept: map[string]string{}}
	g.start = g.now.AddDate(0, -size.Months, 0)
	type row struct {
		ID, Name, Dept, Team, Region string
	}
	var rows []row
	// Reps are the users whose department's parent is a region (大区).
	err := tx.NewRaw(`SELECT u.id, u.name, u.department_id AS dept, d.name AS team, p.name AS region
		FROM users u JOIN roles r ON r.id = u.role_id JOIN departments d ON d.id = u.department_id
		JOIN departments p ON p.id = d.parent_id
		WHERE u.tenant_id = ? AND r.key = 'rep' ORDER BY u.email`, tenant).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p := person{id: r.ID, name: r.Name, dept: r.Dept, team: r.Team, region: r.Region}
		g.reps = append(g.reps, p)
		g.byRegion[p.region] = append(g.byRegion[p.region], p)
	}
	if len(g.byRegion) == 0 {
		return nil, fmt.Errorf("demo history: the demo tenant has no reps")
	}
	if err := tx.NewSelect().Table("pipelines").Column("id").Where("tenant_id = ? AND is_default", tenant).Scan(ctx, &g.pipeline); err != nil {
		return nil, err
	}
	if err := tx.NewSelect().Model(&g.stages).Where("tenant_id = ? AND pipeline_id = ?", tenant, g.pipeline).
		Order("position").Scan(ctx); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *generator) run(ctx context.Context) error {
	if err := g.settings(ctx); err != nil {
		return err
	}
	leads := g.leads()
	customers, contacts := g.customers(leads)
	g.poolStale(leads)
	opps, moves, tasks := g.opportunities(customers)
	acts := g.activities(leads, customers, opps)
	if err := g.insert(ctx, leads, customers, contacts, opps, moves, tasks, acts); err != nil {
		return err
	}
	if err := insertBatches(ctx, g.tx, opportunityContacts(opps, contacts)); err != nil {
		return err
	}
	if err := g.webSubmissions(ctx); err != nil {
		return err
	}
	// Scores and grades come from the tenant's scoring model over what was
	// just written, as the nightly run would make them.
	_, err := (&scoring.Service{DB: g.d}).RecomputeAll(ctx, g.now)
	return err
}

// opportunityContact links a contact to an opportunity (opportunity_contacts).
type opportunityContact struct {
	bun.BaseModel `bun:"table:opportunity_contacts"`
	OpportunityID string `bun:"opportunity_id,pk"`
	ContactID     string `bun:"contact_id,pk"`
}

// opportunityContacts names one or two of its customer's contacts on each
// opportunity, so the detail's contacts are not empty: the customer's first
// (primary) contact, and on every other opportunity the next one too. It
// draws no random numbers, so the rest of the history stays as it was.
func opportunityContacts(opps []*oppRow, contacts []*customer.Contact) []*opportunityContact {
	byCustomer := map[string][]string{}
	for _, c := range contacts {
		byCustomer[c.CustomerID] = append(byCustomer[c.CustomerID], c.ID)
	}
	var out []*opportunityContact
	for i, o := range opps {
		cs := byCustomer[o.CustomerID]
		for k := 0; k < len(cs) && k < 1+i%2; k++ {
			out = append(out, &opportunityContact{OpportunityID: o.ID, ContactID: cs[k]})
		}
	}
	return out
}

// webLeadsPerForm is how many visitors of each region's website form the
// demo has (recent ones, so the forms' submission lists are not empty).
const webLeadsPerForm = 6

// webSubmissions sends visitors through each web form the way the public
// page does (duplicate check, pool, assignment rules).
func (g *generator) webSubmissions(ctx context.Context) error {
	forms := &webform.Service{DB: g.d, Leads: &lead.Service{DB: g.d}, Assign: &assign.Service{DB: g.d}}
	asks := []string{"想了解产品报价", "请安排演示", "有批量采购需求，请联系", "咨询售后服务方案"}
	for i, id := range g.forms {
		f, err := forms.Get(ctx, id)
		if err != nil {
			return err
		}
		for n := 0; n < webLeadsPerForm; n++ {
			c := g.company(provinces[regionOrder[i%len(regionOrder)]][0])
			name := g.personName()
			in := webform.Submission{Name: name, Company: c.name, Phone: g.phone(), Message: asks[g.pick(len(asks))]}
			if _, err := forms.Submit(ctx, f, in, fmt.Sprintf("203.0.113.%d", 10+i*webLeadsPerForm+n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// provinces are the demo's territories under each sales region.
var provinces = map[string][]string{"华东大区": {"上海", "浙江", "江苏"}, "华南大区": {"广东", "福建"}}

var regionOrder = []string{"华东大区", "华南大区"}

// settings makes the territory tree, a pool per sales region with its reps
// and managers as members, and an assignment rule per region for web leads.
func (g *generator) settings(ctx context.Context) error {
	regions := &region.Service{DB: g.d}
	pools := &pool.Service{DB: g.d}
	rules := &assign.Service{DB: g.d}
	forms := &webform.Service{DB: g.d, Leads: &lead.Service{DB: g.d}, Assign: rules}
	for _, name := range regionOrder {
		top, err := regions.Create(ctx, region.RegionInput{Name: name})
		if err != nil {
			return err
		}
		for _, p := range provinces[name] {
			if _, err := regions.Create(ctx, region.RegionInput{Name: p, ParentID: &top.ID}); err != nil {
				return err
			}
		}
		var dept string
		if err := g.tx.NewSelect().Table("departments").Column("id").Where("tenant_id = ? AND name = ?", g.tenant, name).
			Scan(ctx, &dept); err != nil {
			return err
		}
		var members []string
		for _, r := range g.byRegion[name] {
			members = append(members, r.id)
		}
		pl, err := pools.Create(ctx, pool.PoolInput{Name: name + "公海", DepartmentID: dept, MemberIDs: members, ClaimLimit: 300,
			ReturnAfterDaysNoFollowUp: 30, ReturnAfterDaysNoConversion: 180, ReclaimCooldownDays: 7})
		if err != nil {
			return err
		}
		g.pools[name], g.regionDept[name] = pl.ID, dept
		firstTeam := g.byRegion[name][0].dept
		if _, err := rules.Create(ctx, assign.RuleInput{Name: name + "官网线索", DepartmentID: firstTeam, PerRepCap: 400,
			Conditions: assign.RuleConditions{Source: "官网表单", Region: name}}); err != nil {
			return err
		}
		// The website's contact form lands through the rules.
		f, err := forms.Create(ctx, webform.WebFormInput{Name: name + "官网咨询表单", Target: "rules", PoolID: pl.ID,
			DefaultSource: "官网表单", DefaultRegion: provinces[name][0]})
		if err != nil {
			return err
		}
		g.forms = append(g.forms, f.ID)
	}
	return nil
}

// Vocabulary the records are made of.
var (
	surnames   = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	givenNames = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
		"刚", "桂英", "晓东", "海燕", "志强", "建华", "文博", "子涵", "雨萱", "浩然", "思远", "嘉怡", "国栋", "晓梅", "俊杰", "丽华", "立新", "婷婷", "鹏飞", "欣怡"}
	brandHead  = []rune("恒华鼎盛博远泰瑞金达宏天新安中科嘉和永信凯亿融汇联众弘毅卓越昊海星辰锐晨铭德云峰正元")
	brandTail  = []rune("通达昌信诚泰源丰利盛腾飞航科创智能辉煌远图兴")
	industries = []string{"制造业", "零售", "金融", "医疗", "教育", "物流", "互联网", "能源"}
	trades     = map[string][]string{"制造业": {"精密制造", "机械", "电子"}, "零售": {"商贸", "连锁"}, "金融": {"投资", "融资租赁"},
		"医疗": {"医疗器械", "生物"}, "教育": {"教育科技", "培训"}, "物流": {"物流", "供应链"}, "互联网": {"网络科技", "信息技术"}, "能源": {"新能源", "电力"}}
	suffixes    = []string{"有限公司", "股份有限公司", "有限公司", "集团有限公司"}
	cities      = map[string][]string{"上海": {"上海"}, "浙江": {"杭州", "宁波", "温州"}, "江苏": {"南京", "苏州", "无锡"}, "广东": {"广州", "深圳", "东莞", "佛山"}, "福建": {"厦门", "福州", "泉州"}}
	sources     = []string{"官网表单", "展会", "电话营销", "客户转介绍", "广告投放", "网络搜索", "合作伙伴"}
	titles      = []string{"总经理", "采购经理", "技术总监", "IT 经理", "财务总监", "运营总监", "副总经理", "采购专员"}
	sizes       = []string{"micro", "small", "medium", "medium", "large", "enterprise"}
	roles       = []string{"decision_maker", "influencer", "user", "coach", "blocker"}
	attitudes   = []string{"supportive", "neutral", "neutral", "opposed"}
	products    = []string{"CRM 系统", "数据中台", "智能客服", "ERP 升级", "云迁移", "安全审计", "数字化工厂", "供应链平台"}
	lossReasons = []string{"价格高于预算", "选择了竞争对手", "项目预算取消", "需求变化", "决策一再延期"}
	competitors = []string{"纷享销客", "销售易", "Salesforce", "用友", "金蝶", ""}
)

func (g *generator) pick(n int) int { return g.rnd.IntN(n) }

func (g *generator) personName() string {
	return string(surnames[g.pick(len(surnames))]) + givenNames[g.pick(len(givenNames))]
}

// when returns a time between from and to, never after now.
func (g *generator) when(from, to time.Time) time.Time {
	if to.After(g.now) {
		to = g.now
	}
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(g.rnd.Int64N(int64(to.Sub(from))))).Truncate(time.Second)
}

// workday is a time on the day of t within China office hours.
func (g *generator) workday(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 1+g.pick(9), g.pick(60), 0, 0, time.UTC) // 09:00–18:00 in China
}

type company struct {
	name, industry, province string
}

func (g *generator) company(province string) company {
	ind := industries[g.pick(len(industries))]
	city := cities[province][g.pick(len(cities[province]))]
	t := trades[ind]
	name := city + string(brandHead[g.pick(len(brandHead))]) + string(brandTail[g.pick(len(brandTail))]) +
		t[g.pick(len(t))] + suffixes[g.pick(len(suffixes))]
	return company{name: name, industry: ind, province: province}
}

func (g *generator) phone() string {
	prefix := []string{"138", "139", "136", "137", "150", "151", "158", "186", "188", "177"}
	return fmt.Sprintf("%s%08d", prefix[g.pick(len(prefix))], g.rnd.IntN(100000000))
}

// created is a creation time in the history window, biased towards recent
// months (a growing business) by taking the later of two uniform draws
// half of the time.
func (g *generator) created() time.Time {
	t := g.when(g.start, g.now.Add(-2*time.Hour))
	if g.pick(2) == 0 {
		if u := g.when(g.start, g.now.Add(-2*time.Hour)); u.After(t) {
			t = u
		}
	}
	return t
}

func (g *generator) regionOf() (string, string) {
	r := regionOrder[g.pick(len(regionOrder))]
	ps := provinces[r]
	return r, ps[g.pick(len(ps))]
}

func (g *generator) repIn(region string) person {
	rs := g.byRegion[region]
	return rs[g.pick(len(rs))]
}

// record queues the create entry of a record made by actor at at.
func (g *generator) record(objectType, objectID string, actor person, at time.Time, rec any) {
	g.seq++
	changes := audit.Diff(nil, rec)
	b, _ := jsonMarshal(changes)
	g.audit = append(g.audit, audit.Entry{ID: ids.New(), TenantID: g.tenant, At: at, ActorID: actor.id, ActorName: actor.name,
		RequestID: fmt.Sprintf("demo-history-%d", g.seq), Action: audit.Create, ObjectType: objectType, ObjectID: objectID,
		ChangesJSON: string(b)})
}

func ptr[T any](v T) *T { return &v }

// money is an amount in fen, log-uniform between lo and hi yuan, in
// whole hundreds of yuan.
func (g *generator) money(lo, hi float64) int64 {
	y := math.Exp(math.Log(lo) + g.rnd.Float64()*(math.Log(hi)-math.Log(lo)))
	return int64(y/100) * 100 * 100
}

func (g *generator) repByID(id string) person {
	for _, r := range g.reps {
		if r.id == id {
			return r
		}
	}
	return g.reps[0]
}
