package scoring

import "testing"

func TestScoreRoundsHalfUpInIntegers(t *testing.T) {
	m := &ScoringModelInput{Rules: []ScoringRule{
		{Kind: KindField, Field: "industry", Operator: "in", Values: []string{"能源"}, Points: 1},
		{Kind: KindField, Field: "size", Operator: "in", Values: []string{"large"}, Points: 2},
		{Kind: KindBehaviour, Metric: MetricWon, Thresholds: []ScoringThreshold{{1, 1}, {100, 5}}},
	}} // max 8
	for _, tc := range []struct {
		f    Facts
		want int
	}{
		{Facts{}, 0},
		{Facts{Industry: " 能源 "}, 13},              // 12.5 → 13
		{Facts{Industry: "能源", Size: "large"}, 38}, // 37.5 → 38
		{Facts{WonAmount: 99}, 13},
		{Facts{WonAmount: 100}, 63}, // 62.5 → 63
		{Facts{Industry: "能源", Size: "large", WonAmount: 1 << 40}, 100},
	} {
		if got := Score(m, tc.f); got != tc.want {
			t.Errorf("%+v: %d, want %d", tc.f, got, tc.want)
		}
	}
	g := GradeThresholds{A: 75, B: 50, C: 25}
	for s, want := range map[int]string{100: "A", 75: "A", 74: "B", 50: "B", 49: "C", 25: "C", 24: "D", 0: "D"} {
		if got := Grade(g, s); got != want {
			t.Errorf("grade of %d: %s, want %s", s, got, want)
		}
	}
	off, on := false, true
	k := KeyCustomerRule{MinGrade: "B", WonAmount: 100}
	for _, tc := range []struct {
		manual *bool
		grade  string
		won    int64
		want   bool
	}{{nil, "A", 0, true}, {nil, "B", 0, true}, {nil, "C", 0, false}, {nil, "D", 100, true}, {&off, "A", 1000, false}, {&on, "D", 0, true}} {
		if got := Key(k, tc.manual, tc.grade, tc.won); got != tc.want {
			t.Errorf("key %+v: %v", tc, got)
		}
	}
	d := DefaultModel()
	if err := d.Normalize(); err != nil || MaxPoints(d.Rules) != 100 {
		t.Fatalf("default model: %v, %d points", err, MaxPoints(d.Rules))
	}
}
