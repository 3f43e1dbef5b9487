-- +goose Up
-- The funnel's stage-to-stage conversion, kept on each opportunity as two
-- bit sets (see deal.Opportunity.EnteredStages) so the funnel is a single
-- aggregate over a covering index rather than a walk over stage history.
-- Every stage gets a bit unique within its pipeline; existing marks are
-- computed from the stage history with the rule the funnel used: a stage
-- counts as advanced from when a later move (by time, then id) entered a
-- stage positioned after it that is not the lost stage. The bits are
-- distinct powers of two, so SUM(DISTINCT …) is their OR in both dialects.
ALTER TABLE stages ADD COLUMN bit INTEGER NOT NULL DEFAULT 0;
UPDATE stages SET bit = position - 1;
CREATE UNIQUE INDEX stages_pipeline_bit ON stages (pipeline_id, bit);
ALTER TABLE opportunities ADD COLUMN entered_stages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE opportunities ADD COLUMN advanced_stages INTEGER NOT NULL DEFAULT 0;
UPDATE opportunities SET
    entered_stages = COALESCE((SELECT SUM(DISTINCT CAST(1 AS INTEGER) << st.bit) FROM stage_history h
        JOIN stages st ON st.id = h.to_stage_id WHERE h.opportunity_id = opportunities.id), 0),
    advanced_stages = COALESCE((SELECT SUM(DISTINCT CAST(1 AS INTEGER) << sj.bit) FROM stage_history hj
        JOIN stages sj ON sj.id = hj.to_stage_id
        WHERE hj.opportunity_id = opportunities.id AND EXISTS (SELECT 1 FROM stage_history hk
            JOIN stages sk ON sk.id = hk.to_stage_id
            WHERE hk.opportunity_id = hj.opportunity_id AND sk.kind <> 'lost' AND sk.position > sj.position
            AND (hk.at > hj.at OR (hk.at = hj.at AND hk.id > hj.id)))), 0);
CREATE INDEX opportunities_tenant_funnel ON opportunities (tenant_id, pipeline_id, stage_id, currency, entered_stages, advanced_stages, amount);

-- +goose Down
DROP INDEX opportunities_tenant_funnel;
ALTER TABLE opportunities DROP COLUMN advanced_stages;
ALTER TABLE opportunities DROP COLUMN entered_stages;
DROP INDEX stages_pipeline_bit;
ALTER TABLE stages DROP COLUMN bit;
