// Package analytics answers read-only questions over the other features'
// tables: the sales funnel (and later forecast, KPIs, aging, snapshots).
package analytics

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/deal"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Service answers analytics queries. Deals resolves pipelines.
type Service struct {
	DB    *db.DB
	Deals *deal.Service
}

// FunnelFilter picks the opportunities of a funnel: those of a pipeline
// (default: the default one) created in [From, To) (UTC dates YYYY-MM-DD;
// either may be empty for no bound), in the caller's data scope.
type FunnelFilter struct {
	PipelineID, From, To string
}

// Funnel is the funnel of one pipeline.
type Funnel struct {
	PipelineID   string        `json:"pipeline_id"`
	PipelineName string        `json:"pipeline_name"`
	From         string        `json:"from,omitempty"`
	To           string        `json:"to,omitempty"`
	Stages       []FunnelStage `json:"stages" nullable:"false"`
}

// FunnelStage is one stage of a funnel.
type FunnelStage struct {
	StageID     string `json:"stage_id"`
	Name        string `json:"name"`
	Position    int    `json:"position"`
	Kind        string `json:"kind" enum:"open,won,lost"`
	Probability int    `json:"probability"`
	Count       int64  `json:"count" doc:"Opportunities now in the stage."`
	// Totals are per currency; amounts are never added across currencies.
	Totals []FunnelTotal `json:"totals" nullable:"false" doc:"Per currency: count, amount and weighted amount of the opportunities now in the stage."`
	// Entered, Advanced and Conversion come from the stage history.
	Entered    int64    `json:"entered" doc:"Opportunities that ever entered the stage."`
	Advanced   int64    `json:"advanced" doc:"Of those, the ones that later entered a stage further down the pipeline that is not the lost stage (open stages only)."`
	Conversion *float64 `json:"conversion" doc:"advanced / entered, 0–1; absent for won and lost stages and when none entered."`
}

// FunnelTotal is the money of one currency in a funnel stage.
type FunnelTotal struct {
	Currency       string `json:"currency"`
	Count          int64  `json:"count"`
	Amount         int64  `json:"amount" doc:"Minor units."`
	WeightedAmount int64  `json:"weighted_amount" doc:"Sum of each opportunity's weighted amount (amount × probability / 100, rounded half up each), minor units."`
}

func dateBound(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 {
		return nil, apperr.Invalid(field, "must be a date YYYY-MM-DD")
	}
	return &t, nil
}

// Funnel computes the funnel of a pipeline over the opportunities f picks:
// per stage the opportunities now in it (count, and amount and weighted
// amount per currency), and the stage-to-stage conversion from the stage
// history: of the opportunities that ever entered stage i, the share that
// afterwards entered a stage positioned after i other than the lost stage
// (so moving on to the won stage counts, losing does not, and each
// opportunity counts once per stage however often it went back and forth).
func (s *Service) Funnel(ctx context.Context, f FunnelFilter) (*Funnel, error) {
	from, err := dateBound("query.from", f.From)
	if err != nil {
		return nil, err
	}
	to, err := dateBound("query.to", f.To)
	if err != nil {
		return nil, err
	}
	var pl *deal.Pipeline
	if f.PipelineID == "" {
		pl, err = s.Deals.DefaultPipeline(ctx)
	} else {
		pl, err = s.Deals.Pipeline(ctx, f.PipelineID)
	}
	if err != nil {
		return nil, err
	}
	scope, args := auth.From(ctx).ScopeSQL("o.tenant_id", "o.owner_id", "o.department_id")
	where := scope + " AND o.pipeline_id = ?"
	args = append(args, pl.ID)
	if from != nil {
		where += " AND o.created_at >= ?"
		args = append(args, *from)
	}
	if to != nil {
		where += " AND o.created_at < ?"
		args = append(args, *to)
	}
	// One aggregate over the covering funnel index: per stage, currency and
	// pair of stage marks. The weighted amount is each opportunity's stored
	// one (rounded per opportunity, like the board's).
	var groups []struct {
		StageID  string `bun:"stage_id"`
		Currency string `bun:"currency"`
		Entered  int64  `bun:"entered_stages"`
		Advanced int64  `bun:"advanced_stages"`
		Count    int64  `bun:"n"`
		Amount   int64  `bun:"amount"`
		Weighted int64  `bun:"weighted"`
	}
	err = s.DB.R(ctx).NewSelect().TableExpr("opportunities AS o").
		ColumnExpr("o.stage_id, o.currency, o.entered_stages, o.advanced_stages, COUNT(*) AS n, CAST(SUM(o.amount) AS BIGINT) AS amount").
		ColumnExpr("CAST(SUM(o.weighted_amount) AS BIGINT) AS weighted").
		Where(where, args...).GroupExpr("o.stage_id, o.currency, o.entered_stages, o.advanced_stages").
		Scan(ctx, &groups)
	if err != nil {
		return nil, err
	}
	out := &Funnel{PipelineID: pl.ID, PipelineName: pl.Name, From: f.From, To: f.To, Stages: []FunnelStage{}}
	index := map[string]int{}
	for i, st := range pl.Stages {
		index[st.ID] = i
		out.Stages = append(out.Stages, FunnelStage{StageID: st.ID, Name: st.Name, Position: st.Position, Kind: st.Kind,
			Probability: st.Probability, Totals: []FunnelTotal{}})
	}
	for _, g := range groups {
		i, ok := index[g.StageID]
		if !ok {
			continue
		}
		fs := &out.Stages[i]
		fs.Count += g.Count
		fs.Totals = addTotal(fs.Totals, g.Currency, g.Count, g.Amount, g.Weighted)
		for k, st := range pl.Stages {
			bit := int64(1) << st.Bit
			if g.Entered&bit != 0 {
				out.Stages[k].Entered += g.Count
			}
			if g.Advanced&bit != 0 {
				out.Stages[k].Advanced += g.Count
			}
		}
	}
	for i := range out.Stages {
		fs := &out.Stages[i]
		if fs.Kind != deal.KindOpen {
			fs.Advanced = 0
			continue
		}
		if fs.Entered > 0 {
			c := float64(fs.Advanced) / float64(fs.Entered)
			fs.Conversion = &c
		}
	}
	return out, nil
}

// addTotal adds a group's sums to its currency's total (groups of one
// stage and currency differ by their marks), keeping currencies in order.
func addTotal(ts []FunnelTotal, currency string, n, amount, weighted int64) []FunnelTotal {
	for i := range ts {
		if ts[i].Currency == currency {
			ts[i].Count, ts[i].Amount, ts[i].WeightedAmount = ts[i].Count+n, ts[i].Amount+amount, ts[i].WeightedAmount+weighted
			return ts
		}
	}
	ts = append(ts, FunnelTotal{Currency: currency, Count: n, Amount: amount, WeightedAmount: weighted})
	slices.SortFunc(ts, func(a, b FunnelTotal) int { return strings.Compare(a.Currency, b.Currency) })
	return ts
}
