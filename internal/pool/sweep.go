package pool

import (
	"github.com/uptrace/bun"
)

// Sweepable narrows a return job's query to the records a pool's clocks
// govern. The query has the records' owner's role joined as ro and their
// department as d; path is the pool's department's path. A record is the
// pool's to return when
//   - its owner works their own records (a role of the own data scope: reps,
//     and roles an admin made like them); a manager's or director's own
//     leads are theirs to keep;
//   - it sits in the pool's department or below;
//   - no other enabled pool of the same kind is nearer to it: the pool of the
//     nearest department above the record governs it (its clocks, off or
//     on), and among pools of one department the oldest does. Without this a
//     team's lead would go back to whichever of its team's and its region's
//     pools happened to run first.
func Sweepable(q *bun.SelectQuery, pl *Pool, path string) *bun.SelectQuery {
	return q.Where("ro.data_scope = 'own' AND d.path LIKE ?", path+"%").
		Where(`NOT EXISTS (SELECT 1 FROM pools AS np JOIN departments AS nd ON nd.id = np.department_id
			WHERE np.tenant_id = ? AND np.kind = ? AND np.enabled = ? AND np.id <> ? AND d.path LIKE nd.path || '%'
			AND (LENGTH(nd.path) > ? OR (LENGTH(nd.path) = ? AND np.id < ?)))`,
			pl.TenantID, pl.Kind, true, pl.ID, len(path), len(path), pl.ID)
}
