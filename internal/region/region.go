// Package region holds territories: a region tree per tenant (华东 → 上海 →
// 浦东 …). Leads and customers carry a region by name, and assignment rules
// match a region together with everything below it.
package region

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

// Region is a node of the territory tree.
type Region struct {
	bun.BaseModel `bun:"table:regions,alias:r"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	ParentID      *string   `bun:"parent_id" json:"parent_id"`
	Path          string    `bun:"path" json:"-" audit:"-"`
	Name          string    `bun:"name" json:"name"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at" json:"updated_at"`
	Version       int64     `bun:"version" json:"version"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (r *Region) CurrentVersion() int64 { return r.Version }

// Service is the region feature's logic over its store.
type Service struct {
	DB *db.DB
}

// RegionInput creates a region.
type RegionInput struct {
	Name     string  `json:"name" minLength:"1" maxLength:"40"`
	ParentID *string `json:"parent_id,omitempty" format:"uuid" doc:"Absent for a top-level region."`
}

// RegionPatch renames or moves a region.
type RegionPatch struct {
	Name     *string `json:"name,omitempty" minLength:"1" maxLength:"40"`
	ParentID *string `json:"parent_id,omitempty" maxLength:"36" doc:"Move under this region; empty string makes it top-level."`
}

func (s *Service) regions(ctx context.Context) *bun.SelectQuery {
	return s.DB.R(ctx).NewSelect().Model((*Region)(nil)).Where("r.tenant_id = ?", auth.From(ctx).TenantID)
}

// List returns the tenant's regions ordered by path, parents before
// children. The tree is tenant-wide: structure every picker needs.
func (s *Service) List(ctx context.Context, limit int, after string) ([]Region, error) {
	var out []Region
	q := s.regions(ctx)
	if after != "" {
		q = q.Where("r.path > ?", after)
	}
	err := q.OrderExpr("r.path ASC").Limit(int64(limit+1)).Scan(ctx, &out)
	return out, err
}

// Get returns one region of the caller's tenant.
func (s *Service) Get(ctx context.Context, id string) (*Region, error) {
	var r Region
	err := s.regions(ctx).Where("r.id = ?", id).Scan(ctx, &r)
	return &r, db.NotFound(err, "region")
}

func (s *Service) parent(ctx context.Context, id string) (*Region, error) {
	r, err := s.Get(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, apperr.Invalid("body.parent_id", "no such region")
	}
	return r, err
}

// uniqueName refuses a name another region of the tenant already has.
// Leads, customers and rules carry a region by name, so two regions of one
// name (鼓楼区 of 南京 and of 福州) could never be told apart: qualify it
// (南京鼓楼区). Regions made before this rule may still share a name with
// a region elsewhere; a move (tenantWide false) only keeps siblings apart.
func (s *Service) uniqueName(ctx context.Context, r *Region, tenantWide bool) error {
	q := s.regions(ctx).Where("r.name = ? AND r.id <> ?", r.Name, r.ID)
	if !tenantWide && r.ParentID == nil {
		q = q.Where("r.parent_id IS NULL")
	} else if !tenantWide {
		q = q.Where("r.parent_id = ?", *r.ParentID)
	}
	var others []Region
	if err := q.Limit(1).Scan(ctx, &others); err != nil || len(others) == 0 {
		return err
	}
	at, err := s.pathNames(ctx, &others[0])
	if err != nil {
		return err
	}
	return apperr.ConflictField("body.name", "a region named %q already exists (%s); leads, customers and assignment rules name their region, so two regions of one name could not be told apart", r.Name, at)
}

// twins counts the other regions of the tenant named like r (only regions
// made before names were unique per tenant can have any).
func (s *Service) twins(ctx context.Context, r *Region) (int64, error) {
	return s.regions(ctx).Where("r.name = ? AND r.id <> ?", r.Name, r.ID).Count(ctx)
}

// pathNames is r's place in the tree for a message, e.g. "华东 / 上海".
func (s *Service) pathNames(ctx context.Context, r *Region) (string, error) {
	ids := strings.Split(strings.Trim(r.Path, "/"), "/")
	var rows []Region
	if err := s.regions(ctx).Where("r.id IN (?)", bun.In(ids)).Scan(ctx, &rows); err != nil {
		return "", err
	}
	name := map[string]string{}
	for _, x := range rows {
		name[x.ID] = x.Name
	}
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		parts = append(parts, name[id])
	}
	return strings.Join(parts, " / "), nil
}

// Create adds a region under a parent (or at the top).
func (s *Service) Create(ctx context.Context, in RegionInput) (*Region, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	r := &Region{ID: ids.New(), TenantID: p.TenantID, Name: strings.TrimSpace(in.Name), CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		r.Path = db.TreePath("", r.ID)
		if in.ParentID != nil {
			parent, err := s.parent(ctx, *in.ParentID)
			if err != nil {
				return err
			}
			r.ParentID, r.Path = &parent.ID, db.TreePath(parent.Path, r.ID)
		}
		if err := s.uniqueName(ctx, r, true); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "region", r.ID, audit.Diff(nil, r))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, r.ID)
}

// Update renames or moves a region at the caller's version; a move carries
// the region's subtree along, a rename the records that carry its name.
func (s *Service) Update(ctx context.Context, id string, version int64, in RegionPatch) (*Region, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("region", old.Version, version); err != nil {
			return err
		}
		r := *old
		if in.Name != nil {
			r.Name = strings.TrimSpace(*in.Name)
		}
		if in.ParentID != nil {
			if err := s.move(ctx, tx, &r, *in.ParentID); err != nil {
				return err
			}
		}
		changes := audit.Diff(old, &r)
		if len(changes) == 0 {
			return nil
		}
		if err := s.uniqueName(ctx, &r, r.Name != old.Name); err != nil {
			return err
		}
		if r.Name != old.Name {
			moved, err := s.follow(ctx, tx, old, r.Name)
			if err != nil {
				return err
			}
			changes = append(changes, moved.changes()...)
		}
		r.UpdatedAt, r.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&r).Column("name", "parent_id", "path", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "region", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "region", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// move re-parents r and rewrites the paths of everything below it.
func (s *Service) move(ctx context.Context, tx bun.Tx, r *Region, parentID string) error {
	var newParent *string
	parentPath := ""
	if parentID != "" {
		parent, err := s.parent(ctx, parentID)
		if err != nil {
			return err
		}
		newParent, parentPath = &parent.ID, parent.Path
	}
	path, err := db.MoveSubtree(ctx, tx, "regions", r.TenantID, r.ID, r.Path, parentPath)
	if errors.Is(err, db.ErrTreeCycle) {
		return apperr.Invalid("body.parent_id", "a region cannot move under itself or its own sub-region")
	} else if err != nil {
		return err
	}
	r.ParentID, r.Path = newParent, path
	return nil
}

// Delete removes a region without sub-regions, whose name no record
// carries, at the caller's version.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("region", old.Version, version); err != nil {
			return err
		}
		kids, err := tx.NewSelect().Table("regions").Where("tenant_id = ? AND parent_id = ?", p.TenantID, id).Count(ctx)
		if err != nil {
			return err
		}
		if kids > 0 {
			return apperr.Conflict("the region still has %d sub-regions; move or delete them first", kids)
		}
		if err := s.unused(ctx, tx, old); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("regions").Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "region", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "region", id, audit.Diff(old, nil))
	})
}

// follow moves the tenant's records that carry old's name to the name to,
// in the rename's transaction. When another region shares old's name (made
// before names were unique per tenant) those records cannot be told apart:
// the rename is refused while any record carries the name.
func (s *Service) follow(ctx context.Context, tx bun.Tx, old *Region, to string) (Uses, error) {
	twins, err := s.twins(ctx, old)
	if err != nil {
		return Uses{}, err
	}
	if twins == 0 {
		return moveRecords(ctx, tx, old.TenantID, old.Name, to)
	}
	u, err := usesOf(ctx, tx, old.TenantID, old.Name)
	if err == nil && u.any() {
		err = inUse("ambiguous", u, "another region is also named %q, and the name is carried by %s: whose they are cannot be told, so they cannot follow the rename", old.Name, u)
	}
	return u, err
}

// unused refuses deleting r while records carry its name, unless another
// region (made before names were unique per tenant) shares the name: the
// records then keep a region of their name.
func (s *Service) unused(ctx context.Context, tx bun.Tx, r *Region) error {
	twins, err := s.twins(ctx, r)
	if err != nil || twins > 0 {
		return err
	}
	u, err := usesOf(ctx, tx, r.TenantID, r.Name)
	if err == nil && u.any() {
		err = inUse("in_use", u, "the region is in use by %s (they carry its name); give them another region first", u)
	}
	return err
}
