package scoring

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
)

// Band names, low to high.
var bands = []string{"low", "medium", "high"}

// MatrixCustomer is one customer shown in a matrix cell.
type MatrixCustomer struct {
	ID           string  `bun:"id" json:"id"`
	Name         string  `bun:"name" json:"name"`
	Grade        *string `bun:"grade" json:"grade"`
	Score        int     `bun:"score" json:"score"`
	WonAmount    int64   `bun:"won_amount" json:"won_amount"`
	OpenPipeline int64   `bun:"open_pipeline" json:"open_pipeline"`
}

// MatrixCell is one value band × potential band.
type MatrixCell struct {
	Value     string           `json:"value" enum:"low,medium,high"`
	Potential string           `json:"potential" enum:"low,medium,high"`
	Count     int              `json:"count"`
	Top       []MatrixCustomer `json:"top" nullable:"false" doc:"Up to 5 customers of the cell, highest won amount first."`
	Filter    string           `json:"filter" doc:"Query parameters for GET /api/v1/customers listing exactly this cell."`
}

// CustomerMatrix is the value × potential grid.
type CustomerMatrix struct {
	Currency  string       `json:"currency"`
	Value     []int64      `json:"value_bounds" doc:"[lo, hi] of won amount: low < lo ≤ medium < hi ≤ high."`
	Potential []int64      `json:"potential_bounds" doc:"[lo, hi] of open weighted pipeline."`
	Total     int          `json:"total"`
	Cells     []MatrixCell `json:"cells" doc:"9 cells: value low, medium, high, each with potential low, medium, high."`
}

// bandRange is the [min, max) of band i under bounds; max 0 means none.
func bandRange(bounds []int64, i int) (int64, int64) {
	switch i {
	case 0:
		return 0, bounds[0]
	case 1:
		return bounds[0], bounds[1]
	}
	return bounds[1], 0
}

func bandWhere(q *bun.SelectQuery, col string, bounds []int64, i int) *bun.SelectQuery {
	lo, hi := bandRange(bounds, i)
	q = q.Where("? >= ?", bun.Ident(col), lo)
	if hi > 0 {
		q = q.Where("? < ?", bun.Ident(col), hi)
	}
	return q
}

func bandFilter(name string, bounds []int64, i int) string {
	lo, hi := bandRange(bounds, i)
	s := fmt.Sprintf("%s_min=%d", name, lo)
	if hi > 0 {
		s += fmt.Sprintf("&%s_max=%d", name, hi-1)
	}
	return s
}

// Matrix counts the customers in the caller's data scope per value band
// (won amount) × potential band (open weighted pipeline), using the bands
// of the tenant's model and the amounts as last scored.
func (s *Service) Matrix(ctx context.Context) (*CustomerMatrix, error) {
	m, err := s.Model(ctx)
	if err != nil {
		return nil, err
	}
	out := &CustomerMatrix{Currency: m.Currency, Value: m.Matrix.Value, Potential: m.Matrix.Potential, Cells: []MatrixCell{}}
	scoped := func() *bun.SelectQuery {
		q := s.DB.R(ctx).NewSelect().TableExpr("customers AS c")
		return auth.From(ctx).Scoped(q, "c.tenant_id", "c.owner_id", "c.department_id")
	}
	for vi, v := range bands {
		for pi, p := range bands {
			cell := MatrixCell{Value: v, Potential: p, Top: []MatrixCustomer{},
				Filter: bandFilter("won", m.Matrix.Value, vi) + "&" + bandFilter("pipeline", m.Matrix.Potential, pi)}
			in := func(q *bun.SelectQuery) *bun.SelectQuery {
				return bandWhere(bandWhere(q, "c.won_amount", m.Matrix.Value, vi), "c.open_pipeline", m.Matrix.Potential, pi)
			}
			n, err := in(scoped()).Count(ctx)
			if err != nil {
				return nil, err
			}
			cell.Count, out.Total = int(n), out.Total+int(n)
			if n > 0 {
				err := in(scoped()).Column("c.id", "c.name", "c.grade", "c.score", "c.won_amount", "c.open_pipeline").
					OrderExpr("c.won_amount DESC, c.open_pipeline DESC, c.id").Limit(5).Scan(ctx, &cell.Top)
				if err != nil {
					return nil, err
				}
			}
			out.Cells = append(out.Cells, cell)
		}
	}
	return out, nil
}
