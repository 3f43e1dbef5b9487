// Package scoring keeps each tenant's customer scoring model (weighted rules
// over a customer's fields and behaviour → a score 0–100 → a grade A–D, and
// the key-customer rule), recomputes customers' scores when what they depend
// on changes and nightly, and answers the value × potential matrix.
package scoring

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Rule kinds, fields and metrics.
const (
	KindField     = "field"
	KindBehaviour = "behaviour"

	MetricActivities = "activities_90d"
	MetricPipeline   = "open_pipeline"
	MetricWon        = "won_amount"
)

// ScoringThreshold gives points when a metric is at least Min.
type ScoringThreshold struct {
	Min    int64 `json:"min" minimum:"0" doc:"A count for activities_90d, minor units of the model's currency for money metrics."`
	Points int   `json:"points" minimum:"0" maximum:"1000"`
}

// ScoringRule is one weighted rule. A field rule matches industry, size or
// region against a list (operator in, case-insensitive) or revenue against
// an amount (operator gte) and then gives its points. A behaviour rule gives
// the points of the highest threshold its metric reaches.
type ScoringRule struct {
	Kind       string             `json:"kind" enum:"field,behaviour"`
	Field      string             `json:"field,omitempty" enum:",industry,size,region,revenue" doc:"Field rules: the customer field."`
	Operator   string             `json:"operator,omitempty" enum:",in,gte" doc:"Field rules: in (industry, size, region; the default) or gte (revenue)."`
	Values     []string           `json:"values,omitempty" maxItems:"100" doc:"Operator in: the values that match."`
	Amount     int64              `json:"amount,omitempty" minimum:"0" doc:"Operator gte: annual revenue at least this, in minor units of the model's currency."`
	Points     int                `json:"points,omitempty" minimum:"0" maximum:"1000" doc:"Field rules: the points when it matches."`
	Metric     string             `json:"metric,omitempty" enum:",activities_90d,open_pipeline,won_amount" doc:"Behaviour rules: done activities on the customer, its contacts and opportunities in the last 90 days; the weighted amount of its open opportunities; the amount of its won ones."`
	Thresholds []ScoringThreshold `json:"thresholds,omitempty" maxItems:"10" doc:"Behaviour rules: ascending by min."`
}

// GradeThresholds are the lowest scores of grades A, B and C; below C is D.
type GradeThresholds struct {
	A int `json:"a" minimum:"0" maximum:"100"`
	B int `json:"b" minimum:"0" maximum:"100"`
	C int `json:"c" minimum:"0" maximum:"100"`
}

// KeyCustomerRule makes a customer a key customer automatically.
type KeyCustomerRule struct {
	MinGrade  string `json:"min_grade" enum:",A,B,C" doc:"A customer of this grade or better is key; empty: grade does not make key customers."`
	WonAmount int64  `json:"won_amount" minimum:"0" doc:"A customer whose won amount reaches this is key; 0: off."`
}

// MatrixBands are the two bounds that cut won amount (value) and open
// weighted pipeline (potential) into low [0, lo), medium [lo, hi) and high
// [hi, ∞), in minor units of the model's currency.
type MatrixBands struct {
	Value     []int64 `json:"value" minItems:"2" maxItems:"2" doc:"[lo, hi], 0 < lo < hi."`
	Potential []int64 `json:"potential" minItems:"2" maxItems:"2" doc:"[lo, hi], 0 < lo < hi."`
}

// ScoringModelInput is a whole scoring model as an admin writes it.
type ScoringModelInput struct {
	Currency    string          `json:"currency" pattern:"^[A-Z]{3}$" patternDescription:"an ISO 4217 code like CNY" doc:"Revenue and money metrics count only in this currency."`
	Rules       []ScoringRule   `json:"rules" minItems:"1" maxItems:"50"`
	Grades      GradeThresholds `json:"grades"`
	KeyCustomer KeyCustomerRule `json:"key_customer"`
	Matrix      MatrixBands     `json:"matrix"`
}

// ScoringModel is a tenant's stored (or default) model.
type ScoringModel struct {
	ScoringModelInput
	MaxPoints int        `json:"max_points" doc:"The sum of each rule's highest points: score = matched points × 100 / max_points, rounded half up."`
	Default   bool       `json:"default" doc:"No model is stored yet: this is the built-in default."`
	UpdatedBy string     `json:"updated_by"`
	UpdatedAt *time.Time `json:"updated_at"`
	Version   int64      `json:"version"`
}

// CurrentVersion is the model's version, sent as its ETag.
func (m *ScoringModel) CurrentVersion() int64 { return m.Version }

// Money constants of the default model, in 分.
const (
	wan     = 10_000 * 100 // 1万元
	million = 100 * wan    // 100万元
)

// DefaultModel is the model of a tenant that has not stored one: 100 points
// in all, so a customer's points are its score.
func DefaultModel() ScoringModelInput {
	return ScoringModelInput{
		Currency: "CNY",
		Rules: []ScoringRule{
			{Kind: KindField, Field: "industry", Operator: "in", Values: []string{"制造业", "能源", "金融", "医疗"}, Points: 10},
			{Kind: KindField, Field: "size", Operator: "in", Values: []string{"large", "enterprise"}, Points: 20},
			{Kind: KindField, Field: "revenue", Operator: "gte", Amount: 10_000 * wan, Points: 10},
			{Kind: KindBehaviour, Metric: MetricActivities, Thresholds: []ScoringThreshold{{1, 5}, {3, 10}, {10, 20}}},
			{Kind: KindBehaviour, Metric: MetricPipeline, Thresholds: []ScoringThreshold{{10 * wan, 10}, {million, 20}}},
			{Kind: KindBehaviour, Metric: MetricWon, Thresholds: []ScoringThreshold{{10 * wan, 10}, {million, 20}}},
		},
		Grades:      GradeThresholds{A: 75, B: 50, C: 25},
		KeyCustomer: KeyCustomerRule{MinGrade: "A", WonAmount: million},
		Matrix:      MatrixBands{Value: []int64{10 * wan, million}, Potential: []int64{10 * wan, million}},
	}
}

// FieldError is a validation failure at a body location.
type FieldError struct{ Loc, Msg string }

func (e *FieldError) Error() string { return e.Loc + ": " + e.Msg }

func bad(loc, format string, args ...any) *FieldError {
	return &FieldError{Loc: "body." + loc, Msg: fmt.Sprintf(format, args...)}
}

var sizes = []string{"micro", "small", "medium", "large", "enterprise"}

// Normalize checks a model and fills defaults (operator in for list fields);
// the first problem is returned naming its field.
func (m *ScoringModelInput) Normalize() *FieldError {
	if len(m.Rules) == 0 {
		return bad("rules", "needs at least one rule")
	}
	for i := range m.Rules {
		if err := m.Rules[i].normalize(fmt.Sprintf("rules[%d]", i)); err != nil {
			return err
		}
	}
	if MaxPoints(m.Rules) == 0 {
		return bad("rules", "no rule gives any points")
	}
	g := m.Grades
	switch {
	case g.A > 100 || g.A <= g.B:
		return bad("grades.a", "must be above b and at most 100")
	case g.B <= g.C:
		return bad("grades.b", "must be above c")
	case g.C < 0:
		return bad("grades.c", "must be at least 0")
	}
	if m.KeyCustomer.WonAmount < 0 {
		return bad("key_customer.won_amount", "must be at least 0")
	}
	for _, b := range []struct {
		loc string
		v   []int64
	}{{"matrix.value", m.Matrix.Value}, {"matrix.potential", m.Matrix.Potential}} {
		if len(b.v) != 2 || b.v[0] <= 0 || b.v[1] <= b.v[0] {
			return bad(b.loc, "must be two bounds [lo, hi] with 0 < lo < hi")
		}
	}
	return nil
}

func (r *ScoringRule) normalize(loc string) *FieldError {
	switch r.Kind {
	case KindField:
		if r.Metric != "" || len(r.Thresholds) > 0 {
			return bad(loc+".metric", "a field rule has no metric or thresholds")
		}
		if r.Points <= 0 {
			return bad(loc+".points", "a field rule gives at least 1 point")
		}
		return r.normalizeField(loc)
	case KindBehaviour:
		if r.Field != "" || r.Operator != "" || len(r.Values) > 0 || r.Amount != 0 || r.Points != 0 {
			return bad(loc+".field", "a behaviour rule has a metric and thresholds, no field, operator, values, amount or points")
		}
		if r.Metric == "" {
			return bad(loc+".metric", "is required for a behaviour rule")
		}
		if len(r.Thresholds) == 0 {
			return bad(loc+".thresholds", "a behaviour rule needs at least one threshold")
		}
		for j, t := range r.Thresholds {
			if t.Min < 0 || (j > 0 && t.Min <= r.Thresholds[j-1].Min) {
				return bad(fmt.Sprintf("%s.thresholds[%d].min", loc, j), "thresholds must be in strictly ascending order of min ≥ 0")
			}
		}
		return nil
	}
	return bad(loc+".kind", "must be field or behaviour")
}

func (r *ScoringRule) normalizeField(loc string) *FieldError {
	switch r.Field {
	case "industry", "size", "region":
		if r.Operator == "" {
			r.Operator = "in"
		}
		if r.Operator != "in" {
			return bad(loc+".operator", "%s rules use the operator in", r.Field)
		}
		if r.Amount != 0 {
			return bad(loc+".amount", "only a revenue rule has an amount")
		}
		vals := []string{}
		for j, v := range r.Values {
			v = strings.TrimSpace(v)
			if v == "" {
				return bad(fmt.Sprintf("%s.values[%d]", loc, j), "must not be empty")
			}
			if r.Field == "size" && !slices.Contains(sizes, v) {
				return bad(fmt.Sprintf("%s.values[%d]", loc, j), "must be one of %s", strings.Join(sizes, ", "))
			}
			vals = append(vals, v)
		}
		if len(vals) == 0 {
			return bad(loc+".values", "an in rule needs at least one value")
		}
		r.Values = vals
	case "revenue":
		if r.Operator == "" {
			r.Operator = "gte"
		}
		if r.Operator != "gte" {
			return bad(loc+".operator", "revenue rules use the operator gte")
		}
		if len(r.Values) > 0 {
			return bad(loc+".values", "a revenue rule compares an amount, not values")
		}
		if r.Amount < 0 {
			return bad(loc+".amount", "must be at least 0")
		}
	default:
		return bad(loc+".field", "must be industry, size, region or revenue")
	}
	return nil
}

// MaxPoints is the sum over rules of the most points each can give.
func MaxPoints(rules []ScoringRule) int {
	sum := 0
	for _, r := range rules {
		sum += r.maxPoints()
	}
	return sum
}

func (r *ScoringRule) maxPoints() int {
	if r.Kind == KindField {
		return r.Points
	}
	m := 0
	for _, t := range r.Thresholds {
		m = max(m, t.Points)
	}
	return m
}

// Facts are what a customer is scored on.
type Facts struct {
	Industry, Size, Region string
	Revenue                int64 // in the model's currency; 0 when another currency
	Activities90d          int64
	OpenPipeline           int64 // weighted, model currency
	WonAmount              int64 // model currency
}

// Points is what one rule gives a customer.
func (r *ScoringRule) points(f Facts) int {
	if r.Kind == KindBehaviour {
		v := map[string]int64{MetricActivities: f.Activities90d, MetricPipeline: f.OpenPipeline, MetricWon: f.WonAmount}[r.Metric]
		p := 0
		for _, t := range r.Thresholds {
			if v >= t.Min {
				p = t.Points // ascending: the last reached is the highest
			}
		}
		return p
	}
	if r.Field == "revenue" {
		if f.Revenue >= r.Amount && f.Revenue > 0 {
			return r.Points
		}
		return 0
	}
	v := map[string]string{"industry": f.Industry, "size": f.Size, "region": f.Region}[r.Field]
	for _, want := range r.Values {
		if v != "" && strings.EqualFold(strings.TrimSpace(v), want) {
			return r.Points
		}
	}
	return 0
}

// Score is clamp(round(matched × 100 / max)) in integers, half up:
// (2 × matched × 100 + max) / (2 × max).
func Score(m *ScoringModelInput, f Facts) int {
	total := MaxPoints(m.Rules)
	if total <= 0 {
		return 0
	}
	matched := 0
	for i := range m.Rules {
		matched += m.Rules[i].points(f)
	}
	s := (2*matched*100 + total) / (2 * total)
	return min(max(s, 0), 100)
}

// Grade maps a score to A–D by the thresholds.
func Grade(g GradeThresholds, score int) string {
	switch {
	case score >= g.A:
		return "A"
	case score >= g.B:
		return "B"
	case score >= g.C:
		return "C"
	}
	return "D"
}

// Key decides the key-customer flag: a manual decision wins, else the rule.
func Key(k KeyCustomerRule, manual *bool, grade string, won int64) bool {
	if manual != nil {
		return *manual
	}
	if k.MinGrade != "" && grade <= k.MinGrade { // "A" < "B" < "C" < "D"
		return true
	}
	return k.WonAmount > 0 && won >= k.WonAmount
}
