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
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// StageMoveInput moves an opportunity to another stage of its pipeline.
type StageMoveInput struct {
	StageID    string  `json:"stage_id,omitempty" maxLength:"36" doc:"A stage of the opportunity's pipeline (required)."`
	LossReason *string `json:"loss_reason,omitempty" maxLength:"500" doc:"Why it was lost (required for a lost stage unless win_loss_reason is already set); for a won stage, why it was won."`
}

// GateError refuses a forward move while required tasks are open.
type GateError struct {
	Missing []MissingTask
}

// MissingTask is one open required task of a stage. TaskID is empty for a
// task of a stage the opportunity skipped over (never entered, so it has no
// task to tick).
type MissingTask struct {
	StageID string `json:"stage_id"`
	Stage   string `json:"stage" doc:"The stage's name."`
	TaskID  string `json:"task_id,omitempty" doc:"The task to tick (POST /opportunities/{id}/tasks/{task_id}/done); absent for a stage skipped over, which has no task to tick."`
	Task    string `json:"task" doc:"The task's name."`
}

func (e *GateError) Error() string {
	names := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		names[i] = m.Stage + ": " + m.Task
	}
	return "required tasks are not done: " + strings.Join(names, ", ")
}

// Move puts an opportunity into another stage of its pipeline at the
// caller's version. Moving forward (to a later open or the won stage) is
// refused while a required task of the current stage, or of any stage
// skipped over, is not done; the refusal names them. Moving backward and
// moving to the lost stage are always allowed; a lost stage needs a reason.
// Won sets the forecast category to closed, lost to omitted, and reopening
// a closed opportunity puts it back to pipeline. Each move writes a
// stage-history row and an audit entry.
func (s *Service) Move(ctx context.Context, id string, version int64, in StageMoveInput) (*Opportunity, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if in.StageID == "" {
			return apperr.Invalid("body.stage_id", "is required")
		}
		if err := db.CheckVersion("opportunity", old.Version, version); err != nil {
			return err
		}
		stages, err := s.stagesOf(ctx, old.PipelineID)
		if err != nil {
			return err
		}
		ti := slices.IndexFunc(stages, func(st PipelineStage) bool { return st.ID == in.StageID })
		if ti < 0 {
			return apperr.Invalid("body.stage_id", "is not a stage of the opportunity's pipeline")
		}
		ci := slices.IndexFunc(stages, func(st PipelineStage) bool { return st.ID == old.StageID })
		if ti == ci {
			return nil // already there: nothing to record
		}
		to := &stages[ti]
		if to.Kind == KindWon && stages[ci].Kind == KindLost {
			return apperr.Conflict("a lost opportunity is won only after it is reopened into an open stage and passes its gates")
		}
		o := *old
		if ti > ci && to.Kind != KindLost {
			if err := s.gate(ctx, id, stages[ci:ti]); err != nil {
				return err
			}
		}
		reason := ""
		if in.LossReason != nil {
			reason = strings.TrimSpace(*in.LossReason)
		}
		switch to.Kind {
		case KindLost:
			if reason == "" {
				reason = o.WinLossReason
			}
			if reason == "" {
				return apperr.Invalid("body.loss_reason", "a lost opportunity needs the reason it was lost")
			}
			o.WinLossReason, o.ForecastCategory = reason, ForecastOmitted
		case KindWon:
			if reason != "" {
				o.WinLossReason = reason
			}
			o.ForecastCategory = ForecastClosed
		default:
			if old.StageKind != KindOpen {
				o.ForecastCategory = ForecastPipeline
			}
		}
		now := time.Now().UTC()
		o.StageID, o.StageEnteredAt = to.ID, now
		o.RotsAt = rotsAt(to.Kind, to.RotDays, now, o.LastActivityAt)
		changes := audit.Diff(old, &o)
		o.UpdatedAt, o.Version = now, old.Version+1
		res, err := tx.NewUpdate().Model(&o).
			Column("stage_id", "stage_entered_at", "rots_at", "forecast_category", "win_loss_reason", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "opportunity", old.Version); err != nil {
			return err
		}
		if err := s.enter(ctx, tx, &o, &old.StageID, to, now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Update, "opportunity", id, changes); err != nil {
			return err
		}
		return s.customerChanged(ctx, o.CustomerID)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// gate lists the required tasks of stages that are not done for the
// opportunity; a required task never made (a stage skipped over) is not done.
func (s *Service) gate(ctx context.Context, id string, stages []PipelineStage) error {
	var made []OpportunityTask
	if err := s.DB.R(ctx).NewSelect().Model(&made).Where("ot.opportunity_id = ?", id).Scan(ctx); err != nil {
		return err
	}
	var ge GateError
	for _, st := range stages {
		for _, name := range st.RequiredTasks {
			i := slices.IndexFunc(made, func(t OpportunityTask) bool { return t.StageID == st.ID && t.Name == name })
			if i >= 0 && made[i].DoneAt != nil {
				continue
			}
			m := MissingTask{StageID: st.ID, Stage: st.Name, Task: name}
			if i >= 0 {
				m.TaskID = made[i].ID
			}
			ge.Missing = append(ge.Missing, m)
		}
	}
	if len(ge.Missing) > 0 {
		return &ge
	}
	return nil
}

// Tasks lists the required tasks made for an opportunity, in stage order.
func (s *Service) Tasks(ctx context.Context, id string) ([]OpportunityTask, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	tasks := []OpportunityTask{}
	err := s.DB.R(ctx).NewSelect().Model(&tasks).ColumnExpr("ot.*").ColumnExpr("st.name AS stage_name").
		Join("JOIN stages AS st ON st.id = ot.stage_id").
		Where("ot.opportunity_id = ? AND ot.tenant_id = ?", id, auth.From(ctx).TenantID).
		OrderExpr("st.position, ot.created_at, ot.name").Scan(ctx)
	return tasks, err
}

// Done ticks a required task of an opportunity; ticking a done task again
// changes nothing.
func (s *Service) Done(ctx context.Context, id, taskID string) (*OpportunityTask, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.Get(ctx, id); err != nil {
			return err
		}
		var t OpportunityTask
		err := tx.NewSelect().Model(&t).Where("ot.id = ? AND ot.opportunity_id = ? AND ot.tenant_id = ?", taskID, id, p.TenantID).Scan(ctx)
		if err != nil {
			return db.NotFound(err, "task")
		}
		if t.DoneAt != nil {
			return nil
		}
		now := time.Now().UTC()
		if _, err := tx.NewUpdate().Table("opportunity_tasks").Set("done_at = ?, done_by = ?", now, p.UserID).
			Where("id = ? AND tenant_id = ?", taskID, p.TenantID).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "opportunity", id,
			[]audit.Change{{Field: fmt.Sprintf("tasks[%s]", t.Name), Old: "open", New: "done"}})
	})
	if err != nil {
		return nil, err
	}
	tasks, err := s.Tasks(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range tasks {
		if tasks[i].ID == taskID {
			return &tasks[i], nil
		}
	}
	return nil, apperr.NotFound("task")
}

// StageHistory lists the stages an opportunity entered, oldest first.
func (s *Service) StageHistory(ctx context.Context, id string) ([]StageMove, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	moves := []StageMove{}
	err := s.DB.R(ctx).NewSelect().Model(&moves).ColumnExpr("h.*").
		ColumnExpr("fs.name AS from_stage_name, ts.name AS to_stage_name, COALESCE(au.name, h.actor_id) AS actor_name").
		Join("LEFT JOIN stages AS fs ON fs.id = h.from_stage_id").
		Join("LEFT JOIN users AS au ON au.id = h.actor_id AND au.tenant_id = h.tenant_id").
		Join("JOIN stages AS ts ON ts.id = h.to_stage_id").
		Where("h.opportunity_id = ? AND h.tenant_id = ?", id, auth.From(ctx).TenantID).
		OrderExpr("h.at, h.id").Limit(1000).Scan(ctx)
	return moves, err
}
