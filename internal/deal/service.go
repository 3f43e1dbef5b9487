package deal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// OpportunityInput creates an opportunity.
type OpportunityInput struct {
	CustomerID       string    `json:"customer_id" format:"uuid" doc:"A customer in your data scope."`
	Name             string    `json:"name" minLength:"1" maxLength:"100"`
	Amount           DealMoney `json:"amount"`
	ExpectedClose    string    `json:"expected_close" format:"date" doc:"YYYY-MM-DD."`
	PipelineID       *string   `json:"pipeline_id,omitempty" format:"uuid" doc:"Absent: the default pipeline."`
	StageID          *string   `json:"stage_id,omitempty" format:"uuid" doc:"An open stage of the pipeline; absent: its first stage."`
	OwnerID          *string   `json:"owner_id,omitempty" format:"uuid" doc:"An active user in your data scope; absent: you."`
	ForecastCategory string    `json:"forecast_category,omitempty" enum:"pipeline,best_case,commit,omitted" doc:"Absent: pipeline."`
	ContactIDs       []string  `json:"contact_ids,omitempty" maxItems:"50" doc:"Contacts of the customer involved."`
	OpportunityEvaluation
	Competitor string `json:"competitor,omitempty" maxLength:"100"`
}

// OpportunityEvaluation is the five-dimension evaluation, each 1–5 with a note.
type OpportunityEvaluation struct {
	NeedScore          *int    `json:"need_score,omitempty" minimum:"1" maximum:"5"`
	NeedNote           *string `json:"need_note,omitempty" maxLength:"500"`
	BudgetScore        *int    `json:"budget_score,omitempty" minimum:"1" maximum:"5"`
	BudgetNote         *string `json:"budget_note,omitempty" maxLength:"500"`
	DecisionChainScore *int    `json:"decision_chain_score,omitempty" minimum:"1" maximum:"5"`
	DecisionChainNote  *string `json:"decision_chain_note,omitempty" maxLength:"500"`
	TimelineScore      *int    `json:"timeline_score,omitempty" minimum:"1" maximum:"5"`
	TimelineNote       *string `json:"timeline_note,omitempty" maxLength:"500"`
	CompetitiveScore   *int    `json:"competitive_score,omitempty" minimum:"1" maximum:"5"`
	CompetitiveNote    *string `json:"competitive_note,omitempty" maxLength:"500"`
}

// OpportunityPatch changes some fields of an opportunity; the stage moves
// through POST /opportunities/{id}/stage only.
type OpportunityPatch struct {
	Name             *string    `json:"name,omitempty" minLength:"1" maxLength:"100"`
	Amount           *DealMoney `json:"amount,omitempty"`
	ExpectedClose    *string    `json:"expected_close,omitempty" format:"date"`
	OwnerID          *string    `json:"owner_id,omitempty" format:"uuid" doc:"Hand over to an active user in your data scope."`
	ForecastCategory *string    `json:"forecast_category,omitempty" enum:"pipeline,best_case,commit,omitted" doc:"closed is set by a won stage only."`
	ContactIDs       *[]string  `json:"contact_ids,omitempty" maxItems:"50" doc:"The whole new list."`
	OpportunityEvaluation
	ClearScores   []string `json:"clear_scores,omitempty" maxItems:"5" doc:"Dimensions whose score to clear: need, budget, decision_chain, timeline, competitive."`
	Competitor    *string  `json:"competitor,omitempty" maxLength:"100"`
	WinLossReason *string  `json:"win_loss_reason,omitempty" maxLength:"500"`
}

// opportunities selects the opportunities the caller may see, with their
// stage, customer and owner names.
func (s *Service) opportunities(ctx context.Context) *bun.SelectQuery {
	q := s.DB.R(ctx).NewSelect().Model((*Opportunity)(nil)).ColumnExpr("o.*").
		ColumnExpr("st.name AS stage_name, st.kind AS stage_kind, st.probability AS probability").
		ColumnExpr("cu.name AS customer_name, COALESCE(u.name, '') AS owner_name").
		Join("JOIN stages AS st ON st.id = o.stage_id").
		Join("JOIN customers AS cu ON cu.id = o.customer_id").
		Join("LEFT JOIN users AS u ON u.id = o.owner_id")
	return auth.From(ctx).Scoped(q, "o.tenant_id", "o.owner_id", "o.department_id")
}

// Get returns one opportunity in the caller's scope with its contacts.
func (s *Service) Get(ctx context.Context, id string) (*Opportunity, error) {
	var o Opportunity
	if err := s.opportunities(ctx).Where("o.id = ?", id).Scan(ctx, &o); err != nil {
		return nil, db.NotFound(err, "opportunity")
	}
	o.finish(time.Now().UTC())
	o.ContactIDs = []string{}
	err := s.DB.R(ctx).NewSelect().Table("opportunity_contacts").Column("contact_id").
		Where("opportunity_id = ?", id).OrderExpr("contact_id").Scan(ctx, &o.ContactIDs)
	return &o, err
}

// checkDate refuses anything but a real calendar date YYYY-MM-DD.
func checkDate(field, s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil || len(s) != 10 {
		return apperr.Invalid(field, "must be a date YYYY-MM-DD")
	}
	return nil
}

func checkMoney(field string, m DealMoney) error {
	if m.Amount < 0 || m.Amount > MaxAmount {
		return apperr.Invalid(field+".amount", "must be 0–%d minor units", int64(MaxAmount))
	}
	if len(m.Currency) != 3 || strings.ToUpper(m.Currency) != m.Currency || strings.Trim(m.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return apperr.Invalid(field+".currency", "must be three upper-case letters (ISO 4217), like CNY")
	}
	return nil
}

// applyEvaluation sets the scores and notes given and recomputes the health.
func applyEvaluation(o *Opportunity, e OpportunityEvaluation, clear []string) error {
	for _, d := range []struct {
		key   string
		score **int
		note  *string
		in    *int
		inN   *string
	}{
		{"need", &o.NeedScore, &o.NeedNote, e.NeedScore, e.NeedNote},
		{"budget", &o.BudgetScore, &o.BudgetNote, e.BudgetScore, e.BudgetNote},
		{"decision_chain", &o.DecisionChainScore, &o.DecisionChainNote, e.DecisionChainScore, e.DecisionChainNote},
		{"timeline", &o.TimelineScore, &o.TimelineNote, e.TimelineScore, e.TimelineNote},
		{"competitive", &o.CompetitiveScore, &o.CompetitiveNote, e.CompetitiveScore, e.CompetitiveNote},
	} {
		if d.in != nil {
			if *d.in < 1 || *d.in > 5 {
				return apperr.Invalid("body."+d.key+"_score", "must be 1–5")
			}
			v := *d.in
			*d.score = &v
		}
		if slices.Contains(clear, d.key) {
			*d.score = nil
		}
		if d.inN != nil {
			*d.note = strings.TrimSpace(*d.inN)
		}
	}
	for i, c := range clear {
		if !slices.Contains([]string{"need", "budget", "decision_chain", "timeline", "competitive"}, c) {
			return apperr.Invalid(fmt.Sprintf("body.clear_scores[%d]", i), "is not a dimension")
		}
	}
	o.HealthScore = Health(o.NeedScore, o.BudgetScore, o.DecisionChainScore, o.TimelineScore, o.CompetitiveScore)
	return nil
}

// Create adds an opportunity for a customer in the caller's scope, in the
// given (or default) pipeline's given (or first) open stage, owned by the
// caller or owner_id. Its first stage-history row and the stage's required
// tasks are written with it.
func (s *Service) Create(ctx context.Context, in OpportunityInput) (*Opportunity, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	o := &Opportunity{ID: ids.New(), TenantID: p.TenantID, CustomerID: in.CustomerID, Name: strings.TrimSpace(in.Name),
		Amount: in.Amount, ExpectedClose: in.ExpectedClose, ForecastCategory: in.ForecastCategory,
		Competitor: strings.TrimSpace(in.Competitor), StageEnteredAt: now, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if o.Name == "" {
		return nil, apperr.Invalid("body.name", "is required")
	}
	if o.ForecastCategory == "" {
		o.ForecastCategory = ForecastPipeline
	}
	if err := checkMoney("body.amount", o.Amount); err != nil {
		return nil, err
	}
	if err := checkDate("body.expected_close", o.ExpectedClose); err != nil {
		return nil, err
	}
	if err := applyEvaluation(o, in.OpportunityEvaluation, nil); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.Customers.Get(ctx, in.CustomerID); err != nil {
			if apperr.Is(err, apperr.KindNotFound) {
				return apperr.Invalid("body.customer_id", "no customer of that id in your data scope")
			}
			return err
		}
		var pl *Pipeline
		var err error
		if in.PipelineID == nil {
			pl, err = s.DefaultPipeline(ctx)
		} else if pl, err = s.Pipeline(ctx, *in.PipelineID); apperr.Is(err, apperr.KindNotFound) {
			return apperr.Invalid("body.pipeline_id", "no pipeline of that id")
		}
		if err != nil {
			return err
		}
		o.PipelineID = pl.ID
		st := &pl.Stages[0]
		if in.StageID != nil {
			i := slices.IndexFunc(pl.Stages, func(s PipelineStage) bool { return s.ID == *in.StageID })
			if i < 0 || pl.Stages[i].Kind != KindOpen {
				return apperr.Invalid("body.stage_id", "must be an open stage of the pipeline")
			}
			st = &pl.Stages[i]
		}
		o.StageID, o.RotsAt = st.ID, rotsAt(st.Kind, st.RotDays, now, nil)
		if o.OwnerID, o.DepartmentID, err = s.owner(ctx, in.OwnerID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(o).Exec(ctx); err != nil {
			return err
		}
		if err := s.setContacts(ctx, tx, o, in.ContactIDs, "body.contact_ids"); err != nil {
			return err
		}
		if err := s.enter(ctx, tx, o, nil, st, now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Create, "opportunity", o.ID, audit.Diff(nil, o)); err != nil {
			return err
		}
		return s.customerChanged(ctx, o.CustomerID)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, o.ID)
}

// setContacts replaces the contacts of o; each must be a contact of its
// customer. o.ContactIDs becomes the sorted list.
func (s *Service) setContacts(ctx context.Context, tx bun.Tx, o *Opportunity, contactIDs []string, field string) error {
	list := []string{}
	for i, id := range contactIDs {
		c, err := s.Customers.GetContact(ctx, id)
		if apperr.Is(err, apperr.KindNotFound) || (err == nil && c.CustomerID != o.CustomerID) {
			return apperr.Invalid(fmt.Sprintf("%s[%d]", field, i), "is not a contact of the opportunity's customer")
		}
		if err != nil {
			return err
		}
		if !slices.Contains(list, id) {
			list = append(list, id)
		}
	}
	slices.Sort(list)
	if _, err := tx.NewDelete().Table("opportunity_contacts").Where("opportunity_id = ?", o.ID).Exec(ctx); err != nil {
		return err
	}
	for _, id := range list {
		if _, err := tx.NewInsert().Model(&map[string]any{"opportunity_id": o.ID, "contact_id": id}).
			TableExpr("opportunity_contacts").Exec(ctx); err != nil {
			return err
		}
	}
	o.ContactIDs = list
	return nil
}

// enter records that o entered stage st at now (from the stage from, nil on
// creation): a stage-history row, and the stage's required tasks unless
// the opportunity has them from an earlier visit.
func (s *Service) enter(ctx context.Context, tx bun.Tx, o *Opportunity, from *string, st *PipelineStage, now time.Time) error {
	if err := s.mark(ctx, tx, o, st); err != nil {
		return err
	}
	h := &StageMove{ID: ids.New(), TenantID: o.TenantID, OpportunityID: o.ID, FromStageID: from, ToStageID: st.ID, At: now,
		ActorID: auth.From(ctx).UserID, Amount: o.Amount}
	if _, err := tx.NewInsert().Model(h).Exec(ctx); err != nil {
		return err
	}
	for _, name := range st.RequiredTasks {
		n, err := tx.NewSelect().Table("opportunity_tasks").
			Where("opportunity_id = ? AND stage_id = ? AND name = ?", o.ID, st.ID, name).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		t := &OpportunityTask{ID: ids.New(), TenantID: o.TenantID, OpportunityID: o.ID, StageID: st.ID, Name: name, CreatedAt: now}
		if _, err := tx.NewInsert().Model(t).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// owner resolves who an opportunity is given to: the caller when id is
// absent or the caller, else an active user in the caller's data scope.
// The department is the owner's, so the department scope follows the owner.
func (s *Service) owner(ctx context.Context, id *string) (*string, *string, error) {
	uid, dept, err := org.ResolveOwner(ctx, s.DB, id)
	return &uid, dept, err
}

// Update applies a patch to an opportunity at the caller's version.
func (s *Service) Update(ctx context.Context, id string, version int64, in OpportunityPatch) (*Opportunity, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("opportunity", old.Version, version); err != nil {
			return err
		}
		o := *old
		o.ContactIDs = slices.Clone(old.ContactIDs)
		if in.Name != nil {
			if o.Name = strings.TrimSpace(*in.Name); o.Name == "" {
				return apperr.Invalid("body.name", "is required")
			}
		}
		if in.Amount != nil {
			if err := checkMoney("body.amount", *in.Amount); err != nil {
				return err
			}
			o.Amount = *in.Amount
		}
		if in.ExpectedClose != nil {
			if err := checkDate("body.expected_close", *in.ExpectedClose); err != nil {
				return err
			}
			o.ExpectedClose = *in.ExpectedClose
		}
		if in.ForecastCategory != nil {
			if old.StageKind != KindOpen {
				return apperr.Invalid("body.forecast_category", "a closed opportunity's category follows its stage")
			}
			o.ForecastCategory = *in.ForecastCategory
		}
		if in.Competitor != nil {
			o.Competitor = strings.TrimSpace(*in.Competitor)
		}
		if in.WinLossReason != nil {
			o.WinLossReason = strings.TrimSpace(*in.WinLossReason)
			if o.WinLossReason == "" && old.StageKind == KindLost {
				return apperr.Invalid("body.win_loss_reason", "a lost opportunity keeps its reason")
			}
		}
		if err := applyEvaluation(&o, in.OpportunityEvaluation, in.ClearScores); err != nil {
			return err
		}
		if in.OwnerID != nil && (old.OwnerID == nil || *in.OwnerID != *old.OwnerID) {
			if o.OwnerID, o.DepartmentID, err = s.owner(ctx, in.OwnerID); err != nil {
				return err
			}
		}
		if in.ContactIDs != nil {
			if err := s.setContacts(ctx, tx, &o, *in.ContactIDs, "body.contact_ids"); err != nil {
				return err
			}
		}
		changes := audit.Diff(old, &o)
		if len(changes) == 0 {
			return nil
		}
		o.UpdatedAt, o.Version = time.Now().UTC(), old.Version+1
		o.WeightedMinor = Weighted(o.Amount.Amount, o.Probability) // the stored copy the funnel sums
		res, err := tx.NewUpdate().Model(&o).Column(updatable...).
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "opportunity", old.Version); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Update, "opportunity", id, changes); err != nil {
			return err
		}
		if o.Amount != old.Amount {
			return s.customerChanged(ctx, o.CustomerID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

var updatable = []string{"name", "amount", "currency", "weighted_amount", "expected_close", "owner_id", "department_id", "forecast_category",
	"need_score", "need_note", "budget_score", "budget_note", "decision_chain_score", "decision_chain_note",
	"timeline_score", "timeline_note", "competitive_score", "competitive_note", "health_score", "competitor",
	"win_loss_reason", "updated_at", "version"}

// Delete removes an opportunity with its contacts, tasks and stage history
// at the caller's version.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("opportunity", old.Version, version); err != nil {
			return err
		}
		for _, t := range []string{"opportunity_contacts", "opportunity_tasks", "stage_history"} {
			if _, err := tx.NewDelete().Table(t).Where("opportunity_id = ?", id).Exec(ctx); err != nil {
				return err
			}
		}
		if err := unlinkLeads(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*Opportunity)(nil)).Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, version).Exec(ctx)
		if err := db.Versioned(res, err, "opportunity", version); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Delete, "opportunity", id, audit.Diff(old, nil)); err != nil {
			return err
		}
		return s.customerChanged(ctx, old.CustomerID)
	})
}

// unlinkLeads clears the link of the lead(s) converted into opportunity id,
// which is being deleted, each a change of the lead with its audit entry.
func unlinkLeads(ctx context.Context, tx bun.Tx, id string) error {
	p := auth.From(ctx)
	var leadIDs []string
	err := tx.NewUpdate().Table("leads").
		Set("converted_opportunity_id = NULL, version = version + 1, updated_at = ?", time.Now().UTC()).
		Where("tenant_id = ? AND converted_opportunity_id = ?", p.TenantID, id).Returning("id").Scan(ctx, &leadIDs)
	if err != nil {
		return err
	}
	for _, l := range leadIDs {
		if err := audit.Record(ctx, tx, audit.Update, "lead", l,
			[]audit.Change{{Field: "converted_opportunity_id", Old: id, New: nil}}); err != nil {
			return err
		}
	}
	return nil
}

// Touch records activity on an opportunity at time at (for the activity
// feature, inside its transaction): last_activity_at moves forward and the
// stalled clock restarts. It is not a field change of the opportunity's own
// and writes no audit entry or version. Unknown ids are ignored.
func (s *Service) Touch(ctx context.Context, opportunityID string, at time.Time) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var o Opportunity
		err := tx.NewSelect().Model(&o).Column("o.id", "o.stage_id", "o.last_activity_at", "o.stage_entered_at").
			Where("o.id = ? AND o.tenant_id = ?", opportunityID, p.TenantID).Scan(ctx)
		if err != nil {
			return ignoreNoRows(err)
		}
		st, err := s.stage(ctx, o.StageID)
		if err != nil {
			return err
		}
		at = at.UTC()
		if o.LastActivityAt != nil && !at.After(*o.LastActivityAt) {
			return nil
		}
		_, err = tx.NewUpdate().Table("opportunities").
			Set("last_activity_at = ?, rots_at = ?", at, rotsAt(st.Kind, st.RotDays, o.StageEnteredAt, &at)).
			Where("id = ? AND tenant_id = ?", opportunityID, p.TenantID).Exec(ctx)
		return err
	})
}

func ignoreNoRows(err error) error {
	if apperr.Is(db.NotFound(err, "x"), apperr.KindNotFound) {
		return nil
	}
	return err
}
