package deal

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rudder-crm/rudder/internal/auth"
)

// StageTotalsFilter picks the opportunities of a board: those of a
// pipeline (default: the default one) in the caller's data scope, narrowed
// like the board's list.
type StageTotalsFilter struct {
	PipelineID, OwnerID, DepartmentID, CloseMonth string
}

// PipelineTotals is what each stage of a pipeline holds.
type PipelineTotals struct {
	PipelineID string        `json:"pipeline_id"`
	Stages     []StageTotals `json:"stages" nullable:"false" doc:"Every stage of the pipeline in stage order, empty ones included."`
}

// StageTotals is the count and money of the opportunities in one stage.
type StageTotals struct {
	StageID string `json:"stage_id"`
	Count   int64  `json:"count" doc:"Opportunities in the stage, all currencies."`
	// Amounts are never added across currencies.
	Totals []CurrencyTotal `json:"totals" nullable:"false" doc:"Per currency, in currency order."`
}

// CurrencyTotal is the sum of one currency's opportunities in a stage.
type CurrencyTotal struct {
	Count          int64    `json:"count"`
	Amount         MoneySum `json:"amount"`
	WeightedAmount MoneySum `json:"weighted_amount" doc:"Sum of each opportunity's weighted amount (rounded half up each, as on its card)."`
}

// MoneySum is a sum of amounts of one currency in minor units; unlike
// DealMoney it is not bounded by one opportunity's maximum.
type MoneySum struct {
	Amount   int64  `json:"amount" doc:"Minor units of the currency."`
	Currency string `json:"currency"`
}

// StageTotals sums the opportunities f picks per stage and currency in one
// aggregate over the stored weighted amounts (no row reaches Go), so a
// board's column headers are exact however few cards it has loaded.
func (s *Service) StageTotals(ctx context.Context, f StageTotalsFilter) (*PipelineTotals, error) {
	var pl *Pipeline
	var err error
	if f.PipelineID == "" {
		pl, err = s.DefaultPipeline(ctx)
	} else {
		pl, err = s.Pipeline(ctx, f.PipelineID)
	}
	if err != nil {
		return nil, err
	}
	q := auth.From(ctx).Scoped(s.DB.R(ctx).NewSelect().TableExpr("opportunities AS o"), "o.tenant_id", "o.owner_id", "o.department_id")
	q, err = s.filter(ctx, q, Filter{PipelineID: pl.ID, OwnerID: f.OwnerID, DepartmentID: f.DepartmentID, CloseMonth: f.CloseMonth}, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	var groups []struct {
		StageID  string `bun:"stage_id"`
		Currency string `bun:"currency"`
		Count    int64  `bun:"n"`
		Amount   int64  `bun:"amount"`
		Weighted int64  `bun:"weighted"`
	}
	err = q.ColumnExpr("o.stage_id, o.currency, COUNT(*) AS n, CAST(SUM(o.amount) AS BIGINT) AS amount").
		ColumnExpr("CAST(SUM(o.weighted_amount) AS BIGINT) AS weighted").
		GroupExpr("o.stage_id, o.currency").Scan(ctx, &groups)
	if err != nil {
		return nil, err
	}
	out := &PipelineTotals{PipelineID: pl.ID, Stages: make([]StageTotals, len(pl.Stages))}
	index := map[string]int{}
	for i, st := range pl.Stages {
		index[st.ID] = i
		out.Stages[i] = StageTotals{StageID: st.ID, Totals: []CurrencyTotal{}}
	}
	for _, g := range groups {
		i, ok := index[g.StageID]
		if !ok {
			continue
		}
		st := &out.Stages[i]
		st.Count += g.Count
		st.Totals = append(st.Totals, CurrencyTotal{Count: g.Count, Amount: MoneySum{g.Amount, g.Currency},
			WeightedAmount: MoneySum{g.Weighted, g.Currency}})
	}
	for i := range out.Stages {
		slices.SortFunc(out.Stages[i].Totals, func(a, b CurrencyTotal) int { return strings.Compare(a.Amount.Currency, b.Amount.Currency) })
	}
	return out, nil
}
