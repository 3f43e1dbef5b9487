package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/customer"
	"github.com/rudder-crm/rudder/internal/deal"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

const day = 24 * time.Hour

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// insertBatches inserts a slice of models in batches small enough for
// SQLite's limit of bound variables.
func insertBatches[T any](ctx context.Context, tx bun.Tx, rows []T) error {
	const batch = 400
	for i := 0; i < len(rows); i += batch {
		part := rows[i:min(i+batch, len(rows))]
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return fmt.Errorf("demo history: insert %s: %w", reflect.TypeOf(part).Elem().Name(), err)
		}
	}
	return nil
}

// leadRow is a generated lead and what the later steps need of it.
type leadRow struct {
	*lead.Lead
	owner    person
	province string
	salesReg string
}

func (g *generator) leads() []*leadRow {
	out := make([]*leadRow, 0, g.size.Leads)
	for i := 0; i < g.size.Leads; i++ {
		salesReg, province := g.regionOf()
		c := g.company(province)
		owner := g.repIn(salesReg)
		created := g.created()
		l := &lead.Lead{ID: ids.New(), TenantID: g.tenant, ContactName: g.personName(), Company: c.name,
			Title: titles[g.pick(len(titles))], Phone: g.phone(), Source: sources[g.pick(len(sources))], Region: province,
			Industry: c.industry, Status: lead.StatusNew, OwnerID: ptr(owner.id), DepartmentID: ptr(owner.dept),
			AssignedAt: ptr(created), Score: 20 + g.pick(70), CreatedBy: owner.id, CreatedAt: created, UpdatedAt: created, Version: 1}
		if g.pick(10) < 6 {
			l.Email = fmt.Sprintf("contact%05d@corp%05d.com.cn", i, g.pick(100000))
		}
		// A few leads repeat an earlier lead's phone or company, the way
		// the same prospect reaches a company twice: the duplicates view
		// has clusters to show.
		if len(out) > 0 && g.pick(40) == 0 {
			prev := out[g.pick(len(out))]
			if g.pick(2) == 0 {
				l.Phone = prev.Phone
			} else {
				l.Company = "（" + prev.province + "）" + prev.Company
			}
		}
		age := g.now.Sub(created)
		switch r := g.pick(100); {
		case age > 30*day && r < 22:
			l.Status = lead.StatusDisqualified
			l.DisqualifyReason = []string{"无采购预算", "联系方式无效", "非目标客户", "已选择其他供应商"}[g.pick(4)]
		case age > 7*day && r < 50:
			l.Status = lead.StatusContacted
		case age > 14*day && r < 65:
			l.Status = lead.StatusQualified
		case age > 3*day && r < 80:
			l.Status = lead.StatusContacted
		}
		if l.Status == lead.StatusNew && age > 25*day {
			l.Status = lead.StatusContacted // nobody leaves a lead untouched for weeks
		}
		k := lead.KeysOf(l.Phone, l.Email, l.Company)
		l.PhoneKey, l.EmailKey, l.CompanyKey = k.Phone, k.Email, k.Company
		out = append(out, &leadRow{Lead: l, owner: owner, province: province, salesReg: salesReg})
	}
	return out
}

// poolStale puts back in their pools the open leads the pools' clocks (30
// days without follow-up, 180 without conversion) would have returned by
// now — every one older than 150 days not converted — and a tenth of the
// others, as reps return leads too. The first run of the return job after
// loading then finds nothing due (open owned leads get a recent follow-up).
func (g *generator) poolStale(leads []*leadRow) {
	for _, l := range leads {
		if !isOpenLead(l.Status) || (g.now.Sub(l.CreatedAt) <= 150*day && g.pick(10) != 0) {
			continue
		}
		from := l.CreatedAt.Add(30 * day)
		if from.After(g.now) {
			from = l.CreatedAt
		}
		l.OwnerID, l.AssignedAt, l.PoolID, l.PooledAt = nil, nil, ptr(g.pools[l.salesReg]), ptr(g.when(from, g.now))
		l.DepartmentID = ptr(g.regionDept[l.salesReg])
	}
}

func isOpenLead(s string) bool {
	return s == lead.StatusNew || s == lead.StatusContacted || s == lead.StatusQualified
}

// custRow is a generated customer and its owner.
type custRow struct {
	*customer.Customer
	owner person
}

// customers converts two thirds of the customers from qualified-looking
// leads older than two weeks and makes the rest directly, each with one to
// three contacts (the first primary).
func (g *generator) customers(leads []*leadRow) ([]*custRow, []*customer.Contact) {
	var out []*custRow
	var contacts []*customer.Contact
	var converted []*leadRow
	fromLeads := g.size.Customers * 2 / 3
	for _, i := range g.rnd.Perm(len(leads)) {
		l := leads[i]
		if len(converted) == fromLeads {
			break
		}
		if l.OwnerID != nil && l.Status != lead.StatusDisqualified && g.now.Sub(l.CreatedAt) > 14*day {
			converted = append(converted, l)
		}
	}
	for _, l := range converted {
		at := g.when(l.CreatedAt.Add(3*day), l.CreatedAt.Add(60*day))
		c := g.customer(l.Company, l.Industry, l.province, l.owner, at)
		c.Phone, c.Email, c.LeadID, c.Source = l.Phone, l.Email, ptr(l.ID), l.Source
		out = append(out, &custRow{Customer: c, owner: l.owner})
		contacts = append(contacts, g.contact(c, l.owner, l.ContactName, l.Title, l.Phone, l.Email, true))
		l.Status, l.ConvertedCustomerID, l.ConvertedContactID, l.ConvertedAt = lead.StatusConverted, ptr(c.ID), ptr(contacts[len(contacts)-1].ID), ptr(at)
	}
	for len(out) < g.size.Customers {
		salesReg, province := g.regionOf()
		co := g.company(province)
		owner := g.repIn(salesReg)
		c := g.customer(co.name, co.industry, province, owner, g.created())
		c.Phone, c.Source = g.phone(), sources[g.pick(len(sources))]
		out = append(out, &custRow{Customer: c, owner: owner})
		contacts = append(contacts, g.contact(c, owner, g.personName(), titles[g.pick(len(titles))], g.phone(), "", true))
	}
	for _, c := range out {
		for n := g.pick(3); n > 0; n-- {
			contacts = append(contacts, g.contact(c.Customer, c.owner, g.personName(), titles[g.pick(len(titles))], g.phone(), "", false))
		}
		k := lead.KeysOf(c.Phone, c.Email, c.Name)
		c.PhoneKey, c.EmailKey, c.CompanyKey = k.Phone, k.Email, k.Company
	}
	return out, contacts
}

func (g *generator) customer(name, industry, province string, owner person, at time.Time) *customer.Customer {
	size := g.pick(len(sizes))
	// Revenue grows with head count: 5万 to 1亿 yuan a year, log-uniform within the band.
	bands := [][2]float64{{5e4, 2e6}, {1e6, 2e7}, {5e6, 5e7}, {5e6, 5e7}, {3e7, 3e8}, {1e8, 1e9}}
	return &customer.Customer{ID: ids.New(), TenantID: g.tenant, Name: name, Industry: industry, Size: sizes[size],
		Region: province, Address: address(province), AnnualRevenue: g.money(bands[size][0], bands[size][1]), RevenueCurrency: "CNY",
		OwnerID: ptr(owner.id), DepartmentID: ptr(owner.dept), CreatedBy: owner.id, CreatedAt: at, UpdatedAt: at, Version: 1}
}

func (g *generator) contact(c *customer.Customer, owner person, name, title, phone, email string, primary bool) *customer.Contact {
	ct := &customer.Contact{ID: ids.New(), TenantID: g.tenant, CustomerID: c.ID, Name: name, Title: title, Phone: phone, Email: email,
		DecisionRole: ptr(roles[g.pick(len(roles))]), Attitude: ptr(attitudes[g.pick(len(attitudes))]), IsPrimary: primary,
		OwnerID: c.OwnerID, DepartmentID: c.DepartmentID, CreatedBy: owner.id, CreatedAt: c.CreatedAt, UpdatedAt: c.CreatedAt, Version: 1}
	ct.PhoneKey, ct.EmailKey = lead.PhoneKey(phone), lead.EmailKey(email)
	return ct
}

// address is a street address in the province's capital.
func address(province string) string {
	capital := map[string]string{"上海": "上海市浦东新区", "浙江": "浙江省杭州市西湖区", "江苏": "江苏省南京市建邺区",
		"广东": "广东省广州市天河区", "福建": "福建省厦门市思明区"}[province]
	return capital + []string{"科技路", "创新大道", "人民路", "环城北路"}[len(province)%4] + "88号"
}

// oppRow is a generated opportunity with the times it entered each stage.
type oppRow struct {
	*deal.Opportunity
	owner   person
	entered []time.Time // entered[i]: when it entered path[i]
	path    []int       // indexes into g.stages
	closeAt *time.Time
}

// advance[i] is the chance an opportunity leaves open stage i forward.
var advance = []int{62, 60, 64, 70}

func (g *generator) opportunities(customers []*custRow) ([]*oppRow, []*deal.StageMove, []*deal.OpportunityTask) {
	var open []int
	won, lost := -1, -1
	for i, s := range g.stages {
		switch s.Kind {
		case deal.KindOpen:
			open = append(open, i)
		case deal.KindWon:
			won = i
		case deal.KindLost:
			lost = i
		}
	}
	var out []*oppRow
	var moves []*deal.StageMove
	var tasks []*deal.OpportunityTask
	for i := 0; i < g.size.Opportunities; i++ {
		c := customers[g.pick(len(customers))]
		created := g.when(c.CreatedAt, g.now.Add(-time.Hour))
		amount := g.money(30000, 3000000)
		o := &deal.Opportunity{ID: ids.New(), TenantID: g.tenant, PipelineID: g.pipeline, CustomerID: c.ID,
			Name: shortName(c.Name) + " · " + products[g.pick(len(products))], Amount: deal.DealMoney{Amount: amount, Currency: "CNY"},
			OwnerID: c.OwnerID, DepartmentID: c.DepartmentID, ForecastCategory: deal.ForecastPipeline,
			CreatedBy: c.owner.id, CreatedAt: created, UpdatedAt: created, Version: 1}
		r := &oppRow{Opportunity: o, owner: c.owner, path: []int{open[0]}, entered: []time.Time{created}}
		g.walk(r, open, won, lost)
		cur := g.stages[r.path[len(r.path)-1]]
		o.StageID, o.StageEnteredAt = cur.ID, r.entered[len(r.entered)-1]
		o.WeightedMinor = deal.Weighted(o.Amount.Amount, cur.Probability)
		switch cur.Kind {
		case deal.KindWon:
			o.ForecastCategory, r.closeAt = deal.ForecastClosed, ptr(o.StageEnteredAt)
			o.Competitor = competitors[g.pick(len(competitors))]
		case deal.KindLost:
			o.ForecastCategory, r.closeAt = deal.ForecastOmitted, ptr(o.StageEnteredAt)
			o.WinLossReason, o.Competitor = lossReasons[g.pick(len(lossReasons))], competitors[g.pick(len(competitors))]
		default:
			o.ForecastCategory = []string{deal.ForecastPipeline, deal.ForecastPipeline, "best_case", "commit"}[len(r.path)-1]
		}
		if r.closeAt != nil {
			o.ExpectedClose = r.closeAt.Format(time.DateOnly)
		} else {
			o.ExpectedClose = g.now.Add(time.Duration(7+g.pick(110)) * day).Format(time.DateOnly)
		}
		if len(r.path) > 1 {
			g.evaluate(o)
		}
		var from *string
		for k, si := range r.path {
			st := g.stages[si]
			g.mark(o, st)
			moves = append(moves, &deal.StageMove{ID: ids.New(), TenantID: g.tenant, OpportunityID: o.ID, FromStageID: from,
				ToStageID: st.ID, At: r.entered[k], ActorID: c.owner.id, Amount: o.Amount})
			from = ptr(st.ID)
			left := k < len(r.path)-1
			for _, name := range st.RequiredTasks {
				t := &deal.OpportunityTask{ID: ids.New(), TenantID: g.tenant, OpportunityID: o.ID, StageID: st.ID, Name: name, CreatedAt: r.entered[k]}
				if left || g.pick(2) == 0 {
					end := g.now
					if left {
						end = r.entered[k+1]
					}
					t.DoneAt, t.DoneBy = ptr(g.when(r.entered[k], end)), ptr(c.owner.id)
				}
				tasks = append(tasks, t)
			}
		}
		o.UpdatedAt = o.StageEnteredAt
		out = append(out, r)
	}
	return out, moves, tasks
}

// walk moves an opportunity through the stages from its creation: it
// dwells a few days to a few weeks in each stage, then advances, is lost,
// or (if the time is recent) is still there now.
func (g *generator) walk(r *oppRow, open []int, won, lost int) {
	t := r.entered[0]
	for {
		pos := len(r.path) - 1
		st := g.stages[r.path[pos]]
		t = t.Add(time.Duration(3+g.pick(2*max(st.RotDays, 7))) * day).Add(time.Duration(g.pick(8)) * time.Hour)
		if t.After(g.now) {
			return // still in this stage
		}
		roll := g.pick(100)
		switch {
		case roll < advance[pos]:
			next := won
			if pos+1 < len(open) {
				next = open[pos+1]
			}
			r.path, r.entered = append(r.path, next), append(r.entered, t)
			if next == won {
				return
			}
		case roll < advance[pos]+25 || g.now.Sub(t) > 90*day:
			r.path, r.entered = append(r.path, lost), append(r.entered, t)
			return
		default:
			return // open and waiting
		}
	}
}

// mark keeps an opportunity's stage marks as deal's stage moves do: st
// joins the entered set and, unless it is the lost stage, the stages
// positioned before it that were entered join the advanced set.
func (g *generator) mark(o *deal.Opportunity, st deal.PipelineStage) {
	if st.Kind != deal.KindLost {
		var below int64
		for _, other := range g.stages {
			if other.Position < st.Position {
				below |= int64(1) << other.Bit
			}
		}
		o.AdvancedStages |= o.EnteredStages & below
	}
	o.EnteredStages |= int64(1) << st.Bit
}

// evaluate fills the five-dimension evaluation an opportunity past its
// first stage has.
func (g *generator) evaluate(o *deal.Opportunity) {
	s := func() *int { return ptr(2 + g.pick(4)) }
	o.NeedScore, o.BudgetScore, o.DecisionChainScore, o.TimelineScore, o.CompetitiveScore = s(), s(), s(), s(), s()
	o.HealthScore = deal.Health(o.NeedScore, o.BudgetScore, o.DecisionChainScore, o.TimelineScore, o.CompetitiveScore)
}

// shortName is a company name without its legal suffix, as people say it.
func shortName(s string) string {
	for _, suffix := range []string{"股份有限公司", "集团有限公司", "有限公司"} {
		if t, ok := strings.CutSuffix(s, suffix); ok {
			return t
		}
	}
	return s
}

// Activity texts by kind.
var (
	callTitles  = []string{"电话沟通需求", "电话跟进报价反馈", "确认拜访时间", "了解采购流程", "电话回访"}
	emailTitles = []string{"发送产品资料", "发送方案与报价", "会议纪要确认", "发送案例介绍"}
	meetTitles  = []string{"线上方案演示", "技术交流会", "商务谈判会议"}
	visitGoals  = []string{"了解现有系统和痛点", "向决策人演示方案", "推动进入报价阶段", "确认合同条款"}
	commitments = []string{"客户同意安排技术交流", "引荐采购负责人", "提供预算范围", "安排高层会面", "同意试用"}
	taskTitles  = []string{"整理客户需求清单", "准备报价单", "发送合同草稿", "回访使用情况", "确认付款安排"}
)

func (g *generator) activities(leads []*leadRow, customers []*custRow, opps []*oppRow) []*activity.Activity {
	var acts []*activity.Activity
	last := map[string]time.Time{}
	done := func(kind, subjectType, subjectID string, owner person, subjOwner, subjDept *string, from, to time.Time) {
		at := g.when(from, to)
		a := g.activity(kind, subjectType, subjectID, owner, subjOwner, subjDept)
		a.Status, a.OccurredAt, a.DoneAt, a.CreatedAt, a.UpdatedAt = activity.StatusDone, ptr(at), ptr(at), at, at
		if kind == activity.KindVisit {
			a.CommitmentWon = ptr(g.pick(3) > 0)
			a.Outcome = []string{"客户认可方案方向", "需要补充资料", "决策人未到场，改期再谈", "达成下一步共识"}[g.pick(4)]
		}
		acts = append(acts, a)
		if at.After(last[subjectID]) {
			last[subjectID] = at
		}
	}
	followUps := []string{activity.KindCall, activity.KindCall, activity.KindEmail, activity.KindVisit, activity.KindMeeting}
	for _, l := range leads {
		if l.Status == lead.StatusNew || l.OwnerID == nil {
			continue
		}
		end := g.now
		if l.ConvertedAt != nil {
			end = *l.ConvertedAt
		}
		for n := 1 + g.pick(2); n > 0; n-- {
			done(followUps[g.pick(3)], "lead", l.ID, l.owner, l.OwnerID, l.DepartmentID, l.CreatedAt, end)
		}
		if isOpenLead(l.Status) { // followed up within the pool's 30 days
			recent := g.now.Add(-25 * day)
			if l.CreatedAt.After(recent) {
				recent = l.CreatedAt
			}
			done(activity.KindCall, "lead", l.ID, l.owner, l.OwnerID, l.DepartmentID, recent, g.now)
		}
	}
	for _, c := range customers {
		for n := g.pick(3); n > 0; n-- {
			done(followUps[g.pick(len(followUps))], "customer", c.ID, c.owner, c.OwnerID, c.DepartmentID, c.CreatedAt, g.now)
		}
	}
	for _, o := range opps {
		end := g.now
		if o.closeAt != nil {
			end = *o.closeAt
		}
		for n := 1 + g.pick(4); n > 0; n-- {
			done(followUps[g.pick(len(followUps))], "opportunity", o.ID, o.owner, o.OwnerID, o.DepartmentID, o.CreatedAt, end)
		}
	}
	acts = append(acts, g.agenda(opps, customers)...)
	for _, l := range leads {
		if t, ok := last[l.ID]; ok {
			l.LastFollowUpAt = ptr(t)
		}
		if isOpenLead(l.Status) && l.OwnerID != nil {
			l.NextFollowUpAt = ptr(g.workday(g.now.Add(time.Duration(g.pick(10)-2) * day)))
		}
	}
	g.clocks(customers, opps, last)
	return acts
}

func (g *generator) activity(kind, subjectType, subjectID string, owner person, subjOwner, subjDept *string) *activity.Activity {
	a := &activity.Activity{ID: ids.New(), TenantID: g.tenant, Kind: kind, SubjectType: subjectType, SubjectID: subjectID,
		OwnerID: owner.id, SubjectOwnerID: subjOwner, SubjectDepartmentID: subjDept, CreatedBy: owner.id, Version: 1}
	switch kind {
	case activity.KindCall:
		a.Title = callTitles[g.pick(len(callTitles))]
	case activity.KindEmail:
		a.Title = emailTitles[g.pick(len(emailTitles))]
	case activity.KindMeeting:
		a.Title = meetTitles[g.pick(len(meetTitles))]
	case activity.KindVisit:
		a.Title = "拜访：" + visitGoals[g.pick(len(visitGoals))]
		a.Goal, a.Commitment = visitGoals[g.pick(len(visitGoals))], commitments[g.pick(len(commitments))]
		a.Preparation = "准备案例资料和演示环境"
	case activity.KindTask:
		a.Title = taskTitles[g.pick(len(taskTitles))]
	}
	return a
}

// agenda gives every rep today's work: tasks due today, one overdue, and a
// planned visit, on their open opportunities (or customers).
func (g *generator) agenda(opps []*oppRow, customers []*custRow) []*activity.Activity {
	openBy := map[string][]*oppRow{}
	for _, o := range opps {
		if o.closeAt == nil {
			openBy[o.owner.id] = append(openBy[o.owner.id], o)
		}
	}
	custBy := map[string][]*custRow{}
	for _, c := range customers {
		custBy[c.owner.id] = append(custBy[c.owner.id], c)
	}
	// "Today" is China's: my-day counts days in the viewer's time zone.
	cst := time.FixedZone("CST", 8*3600)
	y, m, d := g.now.In(cst).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, cst)
	var out []*activity.Activity
	for _, rep := range g.reps {
		for k := 0; k < 4; k++ {
			kind, due := activity.KindTask, today.Add(time.Duration(10+2*k)*time.Hour).UTC() // 12:00–16:00
			if k == 0 {
				due = today.Add(-day + 11*time.Hour).UTC() // overdue since yesterday
			}
			if k == 3 {
				kind = activity.KindVisit
			}
			var a *activity.Activity
			if os := openBy[rep.id]; len(os) > 0 {
				o := os[g.pick(len(os))]
				a = g.activity(kind, "opportunity", o.ID, rep, o.OwnerID, o.DepartmentID)
			} else if cs := custBy[rep.id]; len(cs) > 0 {
				c := cs[g.pick(len(cs))]
				a = g.activity(kind, "customer", c.ID, rep, c.OwnerID, c.DepartmentID)
			} else {
				continue
			}
			created := due.Add(-3 * day)
			a.Status, a.DueAt, a.RemindAt, a.CreatedAt, a.UpdatedAt = activity.StatusPlanned, ptr(due), ptr(due.Add(-time.Hour)), created, created
			out = append(out, a)
		}
	}
	return out
}

// clocks sets what the activities moved: a customer's last activity, an
// opportunity's last activity and when it goes stale.
func (g *generator) clocks(customers []*custRow, opps []*oppRow, last map[string]time.Time) {
	for _, c := range customers {
		if t, ok := last[c.ID]; ok {
			c.LastActivityAt = ptr(t)
		}
	}
	byID := map[string]deal.PipelineStage{}
	for _, s := range g.stages {
		byID[s.ID] = s
	}
	for _, o := range opps {
		if t, ok := last[o.ID]; ok {
			o.LastActivityAt = ptr(t)
		}
		st := byID[o.StageID]
		o.RotsAt = deal.RotsAt(st.Kind, st.RotDays, o.StageEnteredAt, o.LastActivityAt)
	}
}

// insert writes the generated history: customers before the leads that
// point at them and the contacts the leads became, then the customers'
// links back to their leads in one statement; then the deals, the
// activities and the audit trail (every record's create entry).
func (g *generator) insert(ctx context.Context, leads []*leadRow, customers []*custRow, contacts []*customer.Contact,
	opps []*oppRow, moves []*deal.StageMove, tasks []*deal.OpportunityTask, acts []*activity.Activity) error {
	cs := make([]*customer.Customer, len(customers))
	for i, c := range customers {
		cs[i] = c.Customer
		g.record("customer", c.ID, c.owner, c.CreatedAt, c.Customer)
	}
	for _, ct := range contacts {
		g.record("contact", ct.ID, g.repByID(*ct.OwnerID), ct.CreatedAt, ct)
	}
	ls := make([]*lead.Lead, len(leads))
	for i, l := range leads {
		ls[i] = l.Lead
		g.record("lead", l.ID, l.owner, l.CreatedAt, l.Lead)
	}
	os := make([]*deal.Opportunity, len(opps))
	for i, o := range opps {
		os[i] = o.Opportunity
		g.record("opportunity", o.ID, o.owner, o.CreatedAt, o.Opportunity)
	}
	for _, a := range acts {
		g.record("activity", a.ID, g.repByID(a.OwnerID), a.CreatedAt, a)
	}
	sort.Slice(g.audit, func(i, j int) bool { return g.audit[i].At.Before(g.audit[j].At) })
	// A customer's lead_id waits until the leads exist.
	leadOf := map[string]*string{}
	for _, c := range cs {
		leadOf[c.ID], c.LeadID = c.LeadID, nil
	}
	steps := []func() error{
		func() error { return insertBatches(ctx, g.tx, cs) },
		func() error { return insertBatches(ctx, g.tx, contacts) },
		func() error { return insertBatches(ctx, g.tx, ls) },
		func() error {
			_, err := g.tx.NewRaw(`UPDATE customers SET lead_id = (SELECT l.id FROM leads l WHERE l.converted_customer_id = customers.id)
				WHERE tenant_id = ? AND lead_id IS NULL AND EXISTS (SELECT 1 FROM leads l WHERE l.converted_customer_id = customers.id)`, g.tenant).Exec(ctx)
			return err
		},
		func() error { return insertBatches(ctx, g.tx, os) },
		func() error { return insertBatches(ctx, g.tx, moves) },
		func() error { return insertBatches(ctx, g.tx, tasks) },
		func() error { return insertBatches(ctx, g.tx, acts) },
		func() error { return insertBatches(ctx, g.tx, g.audit) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	for _, c := range cs {
		c.LeadID = leadOf[c.ID]
	}
	return nil
}
