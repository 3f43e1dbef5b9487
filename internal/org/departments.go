package org

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// DepartmentInput creates a department.
type DepartmentInput struct {
	Name      string  `json:"name" minLength:"1" maxLength:"80"`
	ParentID  *string `json:"parent_id,omitempty" format:"uuid" doc:"Absent for a top-level department."`
	ManagerID *string `json:"manager_id,omitempty" format:"uuid"`
}

// DepartmentPatch changes some fields; an empty string clears manager_id.
type DepartmentPatch struct {
	Name      *string `json:"name,omitempty" minLength:"1" maxLength:"80"`
	ParentID  *string `json:"parent_id,omitempty" doc:"Move under this department; empty string makes it top-level." maxLength:"36"`
	ManagerID *string `json:"manager_id,omitempty" doc:"Empty string clears it." maxLength:"36"`
}

func (s *Service) departments(ctx context.Context) *bun.SelectQuery {
	p := auth.From(ctx)
	return s.DB.R(ctx).NewSelect().Model((*Department)(nil)).ColumnExpr("d.*").
		ColumnExpr("COALESCE(m.name, '') AS manager_name").
		Join("LEFT JOIN users AS m ON m.id = d.manager_id").
		Where("d.tenant_id = ?", p.TenantID)
}

// ListDepartments returns the tenant's departments ordered by path, so a
// parent comes before its children. The org chart is tenant-wide: it is
// structure, not customer data, and every picker needs it.
func (s *Service) ListDepartments(ctx context.Context, limit int, after string) ([]Department, error) {
	var out []Department
	q := s.departments(ctx)
	if after != "" {
		q = q.Where("d.path > ?", after)
	}
	err := q.OrderExpr("d.path ASC").Limit(int64(limit+1)).Scan(ctx, &out)
	return out, err
}

// GetDepartment returns one department of the caller's tenant.
func (s *Service) GetDepartment(ctx context.Context, id string) (*Department, error) {
	var d Department
	err := s.departments(ctx).Where("d.id = ?", id).Scan(ctx, &d)
	return &d, db.NotFound(err, "department")
}

// refUser checks that a user id names a user of the caller's tenant.
func (s *Service) refUser(ctx context.Context, field, id string) error {
	n, err := s.DB.R(ctx).NewSelect().Table("users").Where("id = ? AND tenant_id = ?", id, auth.From(ctx).TenantID).Count(ctx)
	if err == nil && n == 0 {
		return apperr.Invalid(field, "no such user")
	}
	return err
}

// CreateDepartment adds a department under a parent (or at the top).
func (s *Service) CreateDepartment(ctx context.Context, in DepartmentInput) (*Department, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	d := &Department{ID: ids.New(), TenantID: p.TenantID, Name: strings.TrimSpace(in.Name), ManagerID: in.ManagerID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		d.Path = db.TreePath("", d.ID)
		if in.ParentID != nil {
			parent, err := s.GetDepartment(ctx, *in.ParentID)
			if apperr.Is(err, apperr.KindNotFound) {
				return apperr.Invalid("body.parent_id", "no such department")
			} else if err != nil {
				return err
			}
			d.ParentID, d.Path = &parent.ID, db.TreePath(parent.Path, d.ID)
		}
		if in.ManagerID != nil {
			if err := s.refUser(ctx, "body.manager_id", *in.ManagerID); err != nil {
				return err
			}
		}
		if err := s.uniqueName(ctx, d.ParentID, d.Name, ""); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(d).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "department", d.ID, audit.Diff(nil, d))
	})
	if err != nil {
		return nil, err
	}
	return s.GetDepartment(ctx, d.ID)
}

// uniqueName refuses a second department of one name under one parent.
func (s *Service) uniqueName(ctx context.Context, parentID *string, name, self string) error {
	q := s.DB.R(ctx).NewSelect().Table("departments").Where("tenant_id = ? AND name = ? AND id <> ?", auth.From(ctx).TenantID, name, self)
	if parentID == nil {
		q = q.Where("parent_id IS NULL")
	} else {
		q = q.Where("parent_id = ?", *parentID)
	}
	n, err := q.Count(ctx)
	if err == nil && n > 0 {
		return apperr.ConflictField("body.name", "a department named %q already exists there", name)
	}
	return err
}

// UpdateDepartment renames, moves or changes the manager of a department.
func (s *Service) UpdateDepartment(ctx context.Context, id string, version int64, in DepartmentPatch) (*Department, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.GetDepartment(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("department", old.Version, version); err != nil {
			return err
		}
		d := *old
		if in.Name != nil {
			d.Name = strings.TrimSpace(*in.Name)
		}
		if in.ManagerID != nil {
			d.ManagerID = nil
			if *in.ManagerID != "" {
				if err := s.refUser(ctx, "body.manager_id", *in.ManagerID); err != nil {
					return err
				}
				d.ManagerID = in.ManagerID
			}
		}
		if in.ParentID != nil {
			if err := s.move(ctx, tx, &d, *in.ParentID); err != nil {
				return err
			}
		}
		if len(audit.Diff(old, &d)) == 0 {
			return nil // nothing changes: keep the version, write nothing
		}
		if err := s.uniqueName(ctx, d.ParentID, d.Name, d.ID); err != nil {
			return err
		}
		d.UpdatedAt, d.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&d).Column("name", "manager_id", "parent_id", "path", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "department", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "department", id, audit.Diff(old, &d))
	})
	err = s.changed(ctx, err)
	if err != nil {
		return nil, err
	}
	return s.GetDepartment(ctx, id)
}

// move re-parents d and rewrites the paths of everything below it.
func (s *Service) move(ctx context.Context, tx bun.Tx, d *Department, parentID string) error {
	var newParent *string
	parentPath := ""
	if parentID != "" {
		parent, err := s.GetDepartment(ctx, parentID)
		if apperr.Is(err, apperr.KindNotFound) {
			return apperr.Invalid("body.parent_id", "no such department")
		} else if err != nil {
			return err
		}
		newParent, parentPath = &parent.ID, parent.Path
	}
	path, err := db.MoveSubtree(ctx, tx, "departments", d.TenantID, d.ID, d.Path, parentPath)
	if errors.Is(err, db.ErrTreeCycle) {
		return apperr.Invalid("body.parent_id", "a department cannot move under itself or its own sub-department")
	} else if err != nil {
		return err
	}
	d.ParentID, d.Path = newParent, path
	return nil
}

// DeleteDepartment removes an empty department.
func (s *Service) DeleteDepartment(ctx context.Context, id string) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.GetDepartment(ctx, id)
		if err != nil {
			return err
		}
		kids, err := tx.NewSelect().Table("departments").Where("tenant_id = ? AND parent_id = ?", p.TenantID, id).Count(ctx)
		if err != nil {
			return err
		}
		members, err := tx.NewSelect().Table("users").Where("tenant_id = ? AND department_id = ?", p.TenantID, id).Count(ctx)
		if err != nil {
			return err
		}
		if kids > 0 || members > 0 {
			return apperr.Conflict("the department still has %d sub-departments and %d users; move them first", kids, members)
		}
		if _, err := tx.NewDelete().Table("departments").Where("id = ? AND tenant_id = ?", id, p.TenantID).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "department", id, audit.Diff(old, nil))
	})
}
