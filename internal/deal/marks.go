package deal

import (
	"context"
	"slices"

	"github.com/uptrace/bun"
)

// The stage marks: each opportunity carries the set of stages it ever
// entered and the set it advanced from, as bits (PipelineStage.Bit), kept
// by every stage move. The funnel's conversion then comes from one
// aggregate over the opportunities (grouped by their marks) instead of a
// walk over all of their stage history.

// assignBits gives each stage without one (a new stage, ID "") the lowest
// bit no other stage of the list holds; kept stages keep theirs. A stage is
// removed only while no history uses it, so a freed bit is clean.
func assignBits(stages []PipelineStage) {
	used := map[int]bool{}
	for _, st := range stages {
		if st.ID != "" {
			used[st.Bit] = true
		}
	}
	next := 0
	for i := range stages {
		if stages[i].ID != "" {
			continue
		}
		for used[next] {
			next++
		}
		stages[i].Bit, used[next] = next, true
	}
}

// mark records that o entered st: st joins its entered set and, unless st is
// the lost stage, every stage positioned before st that it had entered
// joins its advanced set; its stored weighted amount takes st's
// probability. One statement, both sets read before the change.
func (s *Service) mark(ctx context.Context, tx bun.Tx, o *Opportunity, st *PipelineStage) error {
	var below int64
	if st.Kind != KindLost {
		stages, err := s.stagesOf(ctx, o.PipelineID)
		if err != nil {
			return err
		}
		for _, other := range stages {
			if other.Position < st.Position {
				below |= int64(1) << other.Bit
			}
		}
	}
	bit := int64(1) << st.Bit
	o.AdvancedStages |= o.EnteredStages & below
	o.EnteredStages |= bit
	o.WeightedMinor = Weighted(o.Amount.Amount, st.Probability)
	_, err := tx.NewUpdate().Table("opportunities").
		Set("advanced_stages = advanced_stages | (entered_stages & ?)", below).
		Set("entered_stages = entered_stages | ?", bit).
		Set("weighted_amount = ?", o.WeightedMinor).
		Where("id = ? AND tenant_id = ?", o.ID, o.TenantID).Exec(ctx)
	return err
}

// remark recomputes the marks of a pipeline's opportunities from their
// stage history, for when its stages change order (advanced depends on the
// order). The same statement as the migration that introduced the marks.
func remark(ctx context.Context, tx bun.Tx, tenantID, pipelineID string) error {
	_, err := tx.NewRaw(`UPDATE opportunities SET
		entered_stages = COALESCE((SELECT SUM(DISTINCT CAST(1 AS BIGINT) << st.bit) FROM stage_history h
			JOIN stages st ON st.id = h.to_stage_id WHERE h.opportunity_id = opportunities.id), 0),
		advanced_stages = COALESCE((SELECT SUM(DISTINCT CAST(1 AS BIGINT) << sj.bit) FROM stage_history hj
			JOIN stages sj ON sj.id = hj.to_stage_id
			WHERE hj.opportunity_id = opportunities.id AND EXISTS (SELECT 1 FROM stage_history hk
				JOIN stages sk ON sk.id = hk.to_stage_id
				WHERE hk.opportunity_id = hj.opportunity_id AND sk.kind <> 'lost' AND sk.position > sj.position
				AND (hk.at > hj.at OR (hk.at = hj.at AND hk.id > hj.id)))), 0)
		WHERE tenant_id = ? AND pipeline_id = ?`, tenantID, pipelineID).Exec(ctx)
	return err
}

// reordered reports whether the stages kept from old are in another order in
// stages.
func reordered(old, stages []PipelineStage) bool {
	var was, now []string
	for _, o := range old {
		if slices.ContainsFunc(stages, func(n PipelineStage) bool { return n.ID == o.ID }) {
			was = append(was, o.ID)
		}
	}
	for _, n := range stages {
		if slices.ContainsFunc(old, func(o PipelineStage) bool { return o.ID == n.ID }) {
			now = append(now, n.ID)
		}
	}
	return !slices.Equal(was, now)
}

// Marks returns the entered and advanced stage positions (1-based) an
// opportunity's marks hold, for tests and diagnostics.
func Marks(stages []PipelineStage, entered, advanced int64) (in, adv []int) {
	for _, st := range stages {
		if entered&(int64(1)<<st.Bit) != 0 {
			in = append(in, st.Position)
		}
		if advanced&(int64(1)<<st.Bit) != 0 {
			adv = append(adv, st.Position)
		}
	}
	return in, adv
}

// reweigh rewrites the stored weighted amounts of a stage's opportunities
// after its probability changed.
func reweigh(ctx context.Context, tx bun.Tx, st *PipelineStage) error {
	_, err := tx.NewUpdate().Table("opportunities").Set("weighted_amount = (amount * ? + 50) / 100", st.Probability).
		Where("tenant_id = ? AND stage_id = ?", st.TenantID, st.ID).Exec(ctx)
	return err
}
