package deal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/customer"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Service is the deal feature's logic over its store. Customers is the
// customer service, to check an opportunity's customer and contacts.
type Service struct {
	DB        *db.DB
	Customers *customer.Service
	// CustomerChanged, when set, is told inside the transaction that an
	// opportunity of a customer was created, deleted, moved to another
	// stage or changed its amount (the scoring feature rescores it).
	CustomerChanged func(ctx context.Context, customerID string) error
}

// customerChanged runs the CustomerChanged hook, if any.
func (s *Service) customerChanged(ctx context.Context, customerID string) error {
	if s.CustomerChanged == nil {
		return nil
	}
	return s.CustomerChanged(ctx, customerID)
}

// PipelineStageInput is one stage of a pipeline being created or changed.
type PipelineStageInput struct {
	ID            *string  `json:"id,omitempty" format:"uuid" doc:"On update: an existing stage of the pipeline to keep (its history stays); absent: a new stage."`
	Name          string   `json:"name" minLength:"1" maxLength:"40"`
	Probability   int      `json:"probability" minimum:"0" maximum:"100" doc:"Default win probability in percent."`
	Kind          string   `json:"kind" enum:"open,won,lost"`
	RotDays       int      `json:"rot_days,omitempty" minimum:"0" maximum:"3650"`
	RequiredTasks []string `json:"required_tasks,omitempty" maxItems:"20" doc:"Task names (1–60 characters, distinct)."`
}

// PipelineInput creates a pipeline.
type PipelineInput struct {
	Name      string               `json:"name" minLength:"1" maxLength:"60"`
	IsDefault bool                 `json:"is_default,omitempty" doc:"Make it the tenant's default pipeline."`
	Stages    []PipelineStageInput `json:"stages" minItems:"3" maxItems:"30" doc:"In order: one or more open stages, then one won stage, then one lost stage."`
}

// PipelinePatch changes a pipeline.
type PipelinePatch struct {
	Name      *string               `json:"name,omitempty" minLength:"1" maxLength:"60"`
	IsDefault *bool                 `json:"is_default,omitempty" doc:"true makes this the default; the default cannot be unset, only replaced."`
	Stages    *[]PipelineStageInput `json:"stages,omitempty" minItems:"3" maxItems:"30" doc:"The whole new stage list. Stages left out are removed, which is refused (409) while opportunities or history use them."`
}

// defaultStages is every tenant's first pipeline.
var defaultStages = []PipelineStageInput{
	{Name: "初步接洽", Probability: 10, Kind: KindOpen, RotDays: 14},
	{Name: "需求确认", Probability: 25, Kind: KindOpen, RotDays: 14, RequiredTasks: []string{"确认预算", "确认决策人"}},
	{Name: "报价", Probability: 50, Kind: KindOpen, RotDays: 10, RequiredTasks: []string{"提交报价单"}},
	{Name: "拟定合同", Probability: 75, Kind: KindOpen, RotDays: 10},
	{Name: "赢单", Probability: 100, Kind: KindWon},
	{Name: "输单", Probability: 0, Kind: KindLost},
}

// DefaultPipelineName names the pipeline every tenant starts with.
const DefaultPipelineName = "默认销售流程"

// SeedDefaultPipeline creates the default pipeline of a new tenant inside
// tx; org.Service runs it from CreateTenant.
func SeedDefaultPipeline(ctx context.Context, tx bun.IDB, tenantID string) error {
	now := time.Now().UTC()
	p := &Pipeline{ID: ids.New(), TenantID: tenantID, Name: DefaultPipelineName, IsDefault: true,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	stages, err := checkStages(defaultStages, nil)
	if err != nil {
		return err
	}
	for i := range stages {
		stages[i].ID, stages[i].TenantID, stages[i].PipelineID = ids.New(), tenantID, p.ID
	}
	p.Stages = stages
	if _, err := tx.NewInsert().Model(p).Exec(ctx); err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(&p.Stages).Exec(ctx); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Create, "pipeline", p.ID, audit.Diff(nil, p))
}

// checkStages validates a stage list and returns the stages with
// positions; old holds the pipeline's current stages on update.
func checkStages(in []PipelineStageInput, old []PipelineStage) ([]PipelineStage, error) {
	if len(in) < 3 {
		return nil, apperr.Invalid("body.stages", "needs at least one open stage, a won stage and a lost stage")
	}
	n := len(in)
	out := make([]PipelineStage, 0, n)
	names := map[string]bool{}
	kept := map[string]bool{}
	for i, s := range in {
		f := fmt.Sprintf("body.stages[%d]", i)
		want := KindOpen
		switch i {
		case n - 2:
			want = KindWon
		case n - 1:
			want = KindLost
		}
		if s.Kind != want {
			return nil, apperr.Invalid(f+".kind", "must be %s: the open stages come first, then one won and one lost stage", want)
		}
		name := strings.TrimSpace(s.Name)
		if name == "" || names[name] {
			return nil, apperr.Invalid(f+".name", "must be a distinct, non-empty name")
		}
		names[name] = true
		st := PipelineStage{Position: i + 1, Name: name, Probability: s.Probability, Kind: s.Kind, RotDays: s.RotDays,
			RequiredTasks: []string{}}
		if s.Probability < 0 || s.Probability > 100 {
			return nil, apperr.Invalid(f+".probability", "must be 0–100")
		}
		if s.RotDays < 0 {
			return nil, apperr.Invalid(f+".rot_days", "must not be negative")
		}
		for j, t := range s.RequiredTasks {
			t = strings.TrimSpace(t)
			if t == "" || utf8.RuneCountInString(t) > 60 || slices.Contains(st.RequiredTasks, t) {
				return nil, apperr.Invalid(fmt.Sprintf("%s.required_tasks[%d]", f, j), "must be a distinct name of 1–60 characters")
			}
			st.RequiredTasks = append(st.RequiredTasks, t)
		}
		if len(st.RequiredTasks) > 0 && s.Kind != KindOpen {
			return nil, apperr.Invalid(f+".required_tasks", "only open stages have required tasks")
		}
		if s.ID != nil {
			i := slices.IndexFunc(old, func(o PipelineStage) bool { return o.ID == *s.ID })
			if i < 0 || kept[*s.ID] {
				return nil, apperr.Invalid(f+".id", "is not a stage of this pipeline (or is listed twice)")
			}
			if old[i].Kind != s.Kind {
				return nil, apperr.Invalid(f+".kind", "an existing stage keeps its kind")
			}
			kept[*s.ID] = true
			st.ID, st.Bit = *s.ID, old[i].Bit
		}
		out = append(out, st)
	}
	assignBits(out)
	return out, nil
}

// Pipelines lists the tenant's pipelines with their stages, the default first.
func (s *Service) Pipelines(ctx context.Context) ([]Pipeline, error) {
	var ps []Pipeline
	err := s.DB.R(ctx).NewSelect().Model(&ps).Where("p.tenant_id = ?", auth.From(ctx).TenantID).
		OrderExpr("p.is_default DESC, p.name ASC, p.id ASC").Limit(500).Scan(ctx)
	if err != nil {
		return nil, err
	}
	if ps == nil {
		ps = []Pipeline{}
	}
	var stages []PipelineStage
	if err := s.DB.R(ctx).NewSelect().Model(&stages).Where("s.tenant_id = ?", auth.From(ctx).TenantID).
		OrderExpr("s.pipeline_id, s.position").Scan(ctx); err != nil {
		return nil, err
	}
	for i := range ps {
		ps[i].Stages = []PipelineStage{}
		for _, st := range stages {
			if st.PipelineID == ps[i].ID {
				ps[i].Stages = append(ps[i].Stages, st)
			}
		}
	}
	return ps, nil
}

// Pipeline returns one pipeline of the tenant with its stages.
func (s *Service) Pipeline(ctx context.Context, id string) (*Pipeline, error) {
	var p Pipeline
	err := s.DB.R(ctx).NewSelect().Model(&p).Where("p.id = ? AND p.tenant_id = ?", id, auth.From(ctx).TenantID).Scan(ctx)
	if err != nil {
		return nil, db.NotFound(err, "pipeline")
	}
	p.Stages, err = s.stagesOf(ctx, id)
	return &p, err
}

func (s *Service) stagesOf(ctx context.Context, pipelineID string) ([]PipelineStage, error) {
	stages := []PipelineStage{}
	err := s.DB.R(ctx).NewSelect().Model(&stages).Where("s.pipeline_id = ? AND s.tenant_id = ?", pipelineID, auth.From(ctx).TenantID).
		OrderExpr("s.position").Scan(ctx)
	return stages, err
}

// stage returns one stage of the tenant.
func (s *Service) stage(ctx context.Context, id string) (*PipelineStage, error) {
	var st PipelineStage
	err := s.DB.R(ctx).NewSelect().Model(&st).Where("s.id = ? AND s.tenant_id = ?", id, auth.From(ctx).TenantID).Scan(ctx)
	return &st, db.NotFound(err, "stage")
}

// DefaultPipeline returns the tenant's default pipeline.
func (s *Service) DefaultPipeline(ctx context.Context) (*Pipeline, error) {
	var p Pipeline
	err := s.DB.R(ctx).NewSelect().Model(&p).Where("p.tenant_id = ? AND p.is_default", auth.From(ctx).TenantID).Scan(ctx)
	if err != nil {
		return nil, db.NotFound(err, "default pipeline")
	}
	p.Stages, err = s.stagesOf(ctx, p.ID)
	return &p, err
}

// CreatePipeline adds a pipeline with its stages.
func (s *Service) CreatePipeline(ctx context.Context, in PipelineInput) (*Pipeline, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	pl := &Pipeline{ID: ids.New(), TenantID: p.TenantID, Name: strings.TrimSpace(in.Name), IsDefault: in.IsDefault,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if pl.Name == "" {
		return nil, apperr.Invalid("body.name", "is required")
	}
	for _, st := range in.Stages {
		if st.ID != nil {
			return nil, apperr.Invalid("body.stages", "a new pipeline's stages have no id")
		}
	}
	stages, err := checkStages(in.Stages, nil)
	if err != nil {
		return nil, err
	}
	for i := range stages {
		stages[i].ID, stages[i].TenantID, stages[i].PipelineID = ids.New(), p.TenantID, pl.ID
	}
	pl.Stages = stages
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.uniqueName(ctx, pl.Name, ""); err != nil {
			return err
		}
		if pl.IsDefault {
			if err := s.clearDefault(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.NewInsert().Model(pl).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&pl.Stages).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "pipeline", pl.ID, audit.Diff(nil, pl))
	})
	if err != nil {
		return nil, err
	}
	return s.Pipeline(ctx, pl.ID)
}

func (s *Service) uniqueName(ctx context.Context, name, except string) error {
	n, err := s.DB.R(ctx).NewSelect().Table("pipelines").
		Where("tenant_id = ? AND name = ? AND id <> ?", auth.From(ctx).TenantID, name, except).Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.ConflictField("body.name", "a pipeline of that name exists")
	}
	return nil
}

// clearDefault unsets the current default pipeline (with an audit entry).
func (s *Service) clearDefault(ctx context.Context, tx bun.Tx) error {
	old, err := s.DefaultPipeline(ctx)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.NewUpdate().Table("pipelines").Set("is_default = ?, version = version + 1, updated_at = ?", false, time.Now().UTC()).
		Where("id = ? AND tenant_id = ?", old.ID, old.TenantID).Exec(ctx); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Update, "pipeline", old.ID, []audit.Change{{Field: "is_default", Old: true, New: false}})
}

// UpdatePipeline changes a pipeline at the caller's version. A new stage
// list replaces the old one: stages named by id are kept (their
// opportunities and history with them), new ones are added, and the ones
// left out are removed unless opportunities or history use them (409).
func (s *Service) UpdatePipeline(ctx context.Context, id string, version int64, in PipelinePatch) (*Pipeline, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Pipeline(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("pipeline", old.Version, version); err != nil {
			return err
		}
		pl := *old
		if in.Name != nil {
			if pl.Name = strings.TrimSpace(*in.Name); pl.Name == "" {
				return apperr.Invalid("body.name", "is required")
			}
			if err := s.uniqueName(ctx, pl.Name, id); err != nil {
				return err
			}
		}
		if in.IsDefault != nil {
			if !*in.IsDefault && old.IsDefault {
				return apperr.Invalid("body.is_default", "make another pipeline the default instead")
			}
			pl.IsDefault = *in.IsDefault
		}
		var removed []PipelineStage
		if in.Stages != nil {
			stages, err := checkStages(*in.Stages, old.Stages)
			if err != nil {
				return err
			}
			for i := range stages {
				if stages[i].ID == "" {
					stages[i].ID = ids.New()
				}
				stages[i].TenantID, stages[i].PipelineID = p.TenantID, id
			}
			for _, o := range old.Stages {
				if !slices.ContainsFunc(stages, func(n PipelineStage) bool { return n.ID == o.ID }) {
					removed = append(removed, o)
				}
			}
			pl.Stages = stages
		}
		changes := audit.Diff(old, &pl)
		if len(changes) == 0 {
			return nil
		}
		if pl.IsDefault && !old.IsDefault {
			if err := s.clearDefault(ctx, tx); err != nil {
				return err
			}
		}
		pl.UpdatedAt, pl.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&pl).Column("name", "is_default", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "pipeline", old.Version); err != nil {
			return err
		}
		if in.Stages != nil {
			if err := s.replaceStages(ctx, tx, old.Stages, pl.Stages, removed); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Update, "pipeline", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return s.Pipeline(ctx, id)
}

func (s *Service) replaceStages(ctx context.Context, tx bun.Tx, old, stages, removed []PipelineStage) error {
	// New stages take the bits of removed ones only after those are gone
	// (the bit is unique per pipeline), so deletes come first.
	for _, r := range removed {
		if err := s.stageUnused(ctx, r); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*PipelineStage)(nil)).Where("id = ? AND tenant_id = ?", r.ID, r.TenantID).Exec(ctx); err != nil {
			return err
		}
	}
	for i := range stages {
		st := &stages[i]
		j := slices.IndexFunc(old, func(o PipelineStage) bool { return o.ID == st.ID })
		if j < 0 {
			if _, err := tx.NewInsert().Model(st).Exec(ctx); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.NewUpdate().Model(st).Column("position", "name", "probability", "rot_days", "required_tasks").
			Where("id = ? AND tenant_id = ?", st.ID, st.TenantID).Exec(ctx); err != nil {
			return err
		}
		if old[j].RotDays != st.RotDays {
			if err := s.rerot(ctx, tx, st); err != nil {
				return err
			}
		}
		if old[j].Probability != st.Probability {
			if err := reweigh(ctx, tx, st); err != nil {
				return err
			}
		}
	}
	if len(stages) > 0 && reordered(old, stages) {
		return remark(ctx, tx, stages[0].TenantID, stages[0].PipelineID)
	}
	return nil
}

// rerot recomputes when the opportunities in a stage become stalled after
// the stage's rot days changed.
func (s *Service) rerot(ctx context.Context, tx bun.Tx, st *PipelineStage) error {
	var os []Opportunity
	if err := tx.NewSelect().Model(&os).Column("o.id", "o.last_activity_at", "o.stage_entered_at").
		Where("o.tenant_id = ? AND o.stage_id = ?", st.TenantID, st.ID).Scan(ctx); err != nil {
		return err
	}
	for _, o := range os {
		if _, err := tx.NewUpdate().Table("opportunities").Set("rots_at = ?", rotsAt(st.Kind, st.RotDays, o.StageEnteredAt, o.LastActivityAt)).
			Where("id = ? AND tenant_id = ?", o.ID, st.TenantID).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// stageUnused refuses to remove a stage that opportunities, their tasks or
// the stage history use.
func (s *Service) stageUnused(ctx context.Context, st PipelineStage) error {
	for _, q := range []string{
		"SELECT COUNT(*) FROM opportunities WHERE tenant_id = ? AND stage_id = ?",
		"SELECT COUNT(*) FROM stage_history WHERE tenant_id = ? AND (to_stage_id = ? OR from_stage_id = ?)",
		"SELECT COUNT(*) FROM opportunity_tasks WHERE tenant_id = ? AND stage_id = ?",
	} {
		args := []any{st.TenantID, st.ID}
		if strings.Count(q, "?") == 3 {
			args = append(args, st.ID)
		}
		var n int
		if err := s.DB.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("stage %s is used by opportunities or their history; it cannot be removed", st.Name)
		}
	}
	return nil
}

// DeletePipeline removes a pipeline without opportunities at the caller's
// version; the default pipeline is kept (409).
func (s *Service) DeletePipeline(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Pipeline(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("pipeline", old.Version, version); err != nil {
			return err
		}
		if old.IsDefault {
			return apperr.Conflict("the default pipeline cannot be deleted; make another the default first")
		}
		n, err := tx.NewSelect().Table("opportunities").Where("tenant_id = ? AND pipeline_id = ?", p.TenantID, id).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("%d opportunities use this pipeline", n)
		}
		for _, st := range old.Stages {
			if err := s.stageUnused(ctx, st); err != nil {
				return err
			}
		}
		if _, err := tx.NewDelete().Model((*PipelineStage)(nil)).Where("pipeline_id = ? AND tenant_id = ?", id, p.TenantID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Pipeline)(nil)).Where("id = ? AND tenant_id = ?", id, p.TenantID).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "pipeline", id, audit.Diff(old, nil))
	})
}
