package deal

import "testing"

func TestWeighted(t *testing.T) {
	for _, c := range []struct {
		amount int64
		prob   int
		want   int64
	}{
		{3333, 10, 333}, {3335, 10, 334}, {3334, 10, 333}, {1, 50, 1}, {1, 49, 0}, {3333, 25, 833}, {2, 25, 1},
		{0, 100, 0}, {MaxAmount, 100, MaxAmount}, {MaxAmount, 33, 330_000_000_000_000}, {99, 100, 99}, {1, 0, 0},
	} {
		if got := Weighted(c.amount, c.prob); got != c.want {
			t.Errorf("Weighted(%d, %d) = %d, want %d", c.amount, c.prob, got, c.want)
		}
	}
}

func TestHealth(t *testing.T) {
	i := func(v int) *int { return &v }
	if Health(nil, nil) != nil {
		t.Fatal("no scores: want nil")
	}
	for _, c := range []struct {
		scores []*int
		want   int
	}{
		{[]*int{i(1)}, 0}, {[]*int{i(5)}, 100}, {[]*int{i(3)}, 50}, {[]*int{i(5), i(3)}, 75},
		{[]*int{i(5), i(5), i(4), nil, nil}, 92}, // mean 14/3: (14−3)×100/12 = 91.67 → 92
		{[]*int{i(1), i(1), i(2)}, 8},            // (4−3)×100/12 = 8.33 → 8
		{[]*int{i(1), i(2), i(2), i(2), i(2)}, 20},
		{[]*int{i(2), i(3)}, 38}, // 37.5 rounds up
	} {
		if got := Health(c.scores...); got == nil || *got != c.want {
			t.Errorf("Health(%v) = %v, want %d", c.scores, got, c.want)
		}
	}
}
