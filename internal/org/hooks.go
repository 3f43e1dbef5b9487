package org

import (
	"context"

	"github.com/uptrace/bun"
)

// UserMovedHook is told, inside the transaction of the change, that a user
// now belongs to department dept (nil: none).
type UserMovedHook func(ctx context.Context, tx bun.IDB, tenantID, userID string, dept *string) error

// userMoved runs the OnUserMoved hooks when an update changes the user's
// department: the records they own carry a copy of it, which the department
// data scope filters on, so the old manager would keep seeing them and the
// new one would not unless the copies follow.
func (s *Service) userMoved(ctx context.Context, tx bun.IDB, old, u *User) error {
	if sameDept(old.DepartmentID, u.DepartmentID) {
		return nil
	}
	for _, hook := range s.OnUserMoved {
		if err := hook(ctx, tx, u.TenantID, u.ID, u.DepartmentID); err != nil {
			return err
		}
	}
	return nil
}

func sameDept(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
