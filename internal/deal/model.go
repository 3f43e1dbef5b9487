// Package deal holds pipelines (销售流程) with their stages, opportunities
// (商机) with their contacts, required tasks and evaluation, the stage
// history, and the funnel computed from them.
package deal

import (
	"time"

	"github.com/uptrace/bun"
)

// Stage kinds.
const (
	KindOpen = "open"
	KindWon  = "won"
	KindLost = "lost"
)

// Forecast categories.
const (
	ForecastPipeline = "pipeline"
	ForecastClosed   = "closed"
	ForecastOmitted  = "omitted"
)

// MaxAmount bounds an amount (10¹⁵ minor units) so amount × probability
// never overflows int64.
const MaxAmount = 1_000_000_000_000_000

// DealMoney is an exact amount of money: minor units (分 for CNY) and an
// ISO 4217 currency code. Never a float.
type DealMoney struct {
	Amount   int64  `bun:"amount" json:"amount" minimum:"0" maximum:"1000000000000000" doc:"Minor units of the currency (分 for CNY)."`
	Currency string `bun:"currency" json:"currency" pattern:"^[A-Z]{3}$" patternDescription:"an ISO 4217 code of three upper-case letters, like CNY"`
}

// Pipeline is an ordered list of stages an opportunity moves through.
type Pipeline struct {
	bun.BaseModel `bun:"table:pipelines,alias:p"`
	ID            string          `bun:"id,pk" json:"id"`
	TenantID      string          `bun:"tenant_id" json:"-"`
	Name          string          `bun:"name" json:"name"`
	IsDefault     bool            `bun:"is_default" json:"is_default" doc:"New opportunities without a pipeline go here; exactly one per tenant."`
	Stages        []PipelineStage `bun:"-" json:"stages" nullable:"false"`
	CreatedAt     time.Time       `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time       `bun:"updated_at" json:"updated_at"`
	Version       int64           `bun:"version" json:"version"`
}

// PipelineStage is one stage of a pipeline.
type PipelineStage struct {
	bun.BaseModel `bun:"table:stages,alias:s"`
	ID            string `bun:"id,pk" json:"id"`
	TenantID      string `bun:"tenant_id" json:"-"`
	PipelineID    string `bun:"pipeline_id" json:"-"`
	Position      int    `bun:"position" json:"position" doc:"1 for the first stage."`
	Name          string `bun:"name" json:"name"`
	Probability   int    `bun:"probability" json:"probability" minimum:"0" maximum:"100" doc:"Default win probability in percent."`
	Kind          string `bun:"kind" json:"kind" enum:"open,won,lost"`
	RotDays       int    `bun:"rot_days" json:"rot_days" doc:"Days without activity after which an opportunity in this stage is stalled; 0: never."`
	// Bit is the stage's bit in an opportunity's entered/advanced stage
	// marks, unique within the pipeline and kept for the stage's life.
	Bit           int      `bun:"bit" json:"-" audit:"-"`
	RequiredTasks []string `bun:"required_tasks,type:text" json:"required_tasks" nullable:"false" doc:"Tasks that must be done before an opportunity moves forward out of this stage."`
}

// Opportunity is one deal being worked on.
type Opportunity struct {
	bun.BaseModel      `bun:"table:opportunities,alias:o"`
	ID                 string     `bun:"id,pk" json:"id"`
	TenantID           string     `bun:"tenant_id" json:"-"`
	PipelineID         string     `bun:"pipeline_id" json:"pipeline_id"`
	StageID            string     `bun:"stage_id" json:"stage_id"`
	StageName          string     `bun:"stage_name,scanonly" json:"stage_name" audit:"-"`
	StageKind          string     `bun:"stage_kind,scanonly" json:"stage_kind" enum:"open,won,lost" audit:"-"`
	Probability        int        `bun:"probability,scanonly" json:"probability" doc:"The stage's win probability in percent." audit:"-"`
	CustomerID         string     `bun:"customer_id" json:"customer_id"`
	CustomerName       string     `bun:"customer_name,scanonly" json:"customer_name" audit:"-"`
	Name               string     `bun:"name" json:"name"`
	Amount             DealMoney  `bun:"embed:" json:"amount"`
	WeightedAmount     DealMoney  `bun:"-" json:"weighted_amount" audit:"-" doc:"amount × the stage's probability / 100, rounded half up to a minor unit."`
	ExpectedClose      string     `bun:"expected_close" json:"expected_close" format:"date"`
	OwnerID            *string    `bun:"owner_id" json:"owner_id"`
	OwnerName          string     `bun:"owner_name,scanonly" json:"owner_name" audit:"-"`
	DepartmentID       *string    `bun:"department_id" json:"department_id"`
	ForecastCategory   string     `bun:"forecast_category" json:"forecast_category" enum:"pipeline,best_case,commit,closed,omitted"`
	NeedScore          *int       `bun:"need_score" json:"need_score"`
	NeedNote           string     `bun:"need_note" json:"need_note"`
	BudgetScore        *int       `bun:"budget_score" json:"budget_score"`
	BudgetNote         string     `bun:"budget_note" json:"budget_note"`
	DecisionChainScore *int       `bun:"decision_chain_score" json:"decision_chain_score"`
	DecisionChainNote  string     `bun:"decision_chain_note" json:"decision_chain_note"`
	TimelineScore      *int       `bun:"timeline_score" json:"timeline_score"`
	TimelineNote       string     `bun:"timeline_note" json:"timeline_note"`
	CompetitiveScore   *int       `bun:"competitive_score" json:"competitive_score"`
	CompetitiveNote    string     `bun:"competitive_note" json:"competitive_note"`
	HealthScore        *int       `bun:"health_score" json:"health_score" doc:"0–100 from the five scores given: (mean − 1) × 25, rounded half up; absent when none is given."`
	Competitor         string     `bun:"competitor" json:"competitor"`
	WinLossReason      string     `bun:"win_loss_reason" json:"win_loss_reason"`
	ContactIDs         []string   `bun:"-" json:"contact_ids,omitempty" doc:"Contacts of the customer involved (on a single opportunity, not in lists)."`
	LastActivityAt     *time.Time `bun:"last_activity_at" json:"last_activity_at" audit:"-"`
	StageEnteredAt     time.Time  `bun:"stage_entered_at" json:"stage_entered_at" audit:"-"`
	// The stages the opportunity ever entered, and those it advanced from
	// (later entered a stage further down that is not the lost stage), as
	// bit sets over the stages' Bit: the funnel's conversion is one
	// aggregate over opportunities instead of a walk over stage history.
	EnteredStages  int64 `bun:"entered_stages" json:"-" audit:"-"`
	AdvancedStages int64 `bun:"advanced_stages" json:"-" audit:"-"`
	// WeightedMinor is the stored weighted amount (see Weighted), kept by
	// every change of amount, stage or stage probability, for the funnel.
	WeightedMinor int64      `bun:"weighted_amount" json:"-" audit:"-"`
	RotsAt        *time.Time `bun:"rots_at" json:"-" audit:"-"`
	Stalled       bool       `bun:"-" json:"stalled" audit:"-" doc:"No activity (or stage entry) for the stage's rot days."`
	CreatedBy     string     `bun:"created_by" json:"created_by"`
	CreatedAt     time.Time  `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at" json:"updated_at"`
	Version       int64      `bun:"version" json:"version"`
}

// OpportunityTask is a required task of a stage, made for an opportunity
// when it first enters the stage.
type OpportunityTask struct {
	bun.BaseModel `bun:"table:opportunity_tasks,alias:ot"`
	ID            string     `bun:"id,pk" json:"id"`
	TenantID      string     `bun:"tenant_id" json:"-"`
	OpportunityID string     `bun:"opportunity_id" json:"opportunity_id"`
	StageID       string     `bun:"stage_id" json:"stage_id"`
	StageName     string     `bun:"stage_name,scanonly" json:"stage_name"`
	Name          string     `bun:"name" json:"name"`
	DoneAt        *time.Time `bun:"done_at" json:"done_at"`
	DoneBy        *string    `bun:"done_by" json:"done_by"`
	CreatedAt     time.Time  `bun:"created_at" json:"created_at"`
}

// StageMove is one row of an opportunity's stage history.
type StageMove struct {
	bun.BaseModel `bun:"table:stage_history,alias:h"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	OpportunityID string    `bun:"opportunity_id" json:"opportunity_id"`
	FromStageID   *string   `bun:"from_stage_id" json:"from_stage_id" doc:"Absent for the stage the opportunity was created in."`
	FromStageName *string   `bun:"from_stage_name,scanonly" json:"from_stage_name"`
	ToStageID     string    `bun:"to_stage_id" json:"to_stage_id"`
	ToStageName   string    `bun:"to_stage_name,scanonly" json:"to_stage_name"`
	At            time.Time `bun:"at" json:"at"`
	ActorID       string    `bun:"actor_id" json:"actor_id"`
	ActorName     string    `bun:"actor_name,scanonly" json:"actor_name" doc:"Who moved it (\"system\" for automatic moves)."`
	Amount        DealMoney `bun:"embed:" json:"amount" doc:"The opportunity's amount at the time."`
}

// Weighted is amount × probability / 100 rounded half up to a minor unit,
// in integers: (amount × probability + 50) / 100. Amounts are never
// negative, so integer division truncates toward the floor and adding half
// of the divisor first rounds .5 up (333.5 分 → 334 分, 333.49 → 333).
func Weighted(amount int64, probability int) int64 {
	return (amount*int64(probability) + 50) / 100
}

// Health is the health score of the given scores (each 1–5): the mean
// mapped linearly from 1–5 to 0–100, i.e. (mean − 1) × 25, rounded half up
// in integers. nil when no score is given.
func Health(scores ...*int) *int {
	sum, n := 0, 0
	for _, s := range scores {
		if s != nil {
			sum, n = sum+*s, n+1
		}
	}
	if n == 0 {
		return nil
	}
	num, den := (sum-n)*100, 4*n // (mean-1)*25 = (sum-n)*100/(4n)
	h := (2*num + den) / (2 * den)
	return &h
}

// finish fills the computed fields of an opportunity read at now.
func (o *Opportunity) finish(now time.Time) {
	o.WeightedAmount = DealMoney{Amount: Weighted(o.Amount.Amount, o.Probability), Currency: o.Amount.Currency}
	o.Stalled = o.RotsAt != nil && !o.RotsAt.After(now)
}

// rotsAt is when an opportunity in a stage with rotDays (of kind) becomes
// stalled: rotDays after the later of its last activity and its stage
// entry; nil when the stage never rots or is closed.
func rotsAt(kind string, rotDays int, entered time.Time, lastActivity *time.Time) *time.Time {
	if kind != KindOpen || rotDays <= 0 {
		return nil
	}
	base := entered
	if lastActivity != nil && lastActivity.After(base) {
		base = *lastActivity
	}
	t := base.Add(time.Duration(rotDays) * 24 * time.Hour).UTC()
	return &t
}

// CurrentVersion is the record's version, sent as its ETag.
func (r *Opportunity) CurrentVersion() int64 { return r.Version }

// CurrentVersion is the record's version, sent as its ETag.
func (r *Pipeline) CurrentVersion() int64 { return r.Version }

// RotsAt is when an opportunity in a stage of kind and rotDays goes stale,
// for loaders that write opportunities directly (the demo history).
func RotsAt(kind string, rotDays int, entered time.Time, lastActivity *time.Time) *time.Time {
	return rotsAt(kind, rotDays, entered, lastActivity)
}
