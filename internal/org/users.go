package org

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/auth/session"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// UserInput creates a user.
type UserInput struct {
	Email        string  `json:"email" format:"email" maxLength:"254"`
	Name         string  `json:"name" minLength:"1" maxLength:"60"`
	Password     string  `json:"password" minLength:"1" maxLength:"128"`
	Phone        string  `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	DepartmentID *string `json:"department_id,omitempty" format:"uuid"`
	RoleID       string  `json:"role_id" format:"uuid"`
	ManagerID    *string `json:"manager_id,omitempty" format:"uuid"`
}

// UserPatch changes some fields; an empty string clears department_id or manager_id.
type UserPatch struct {
	Email        *string `json:"email,omitempty" format:"email" maxLength:"254"`
	Name         *string `json:"name,omitempty" minLength:"1" maxLength:"60"`
	Password     *string `json:"password,omitempty" minLength:"1" maxLength:"128"`
	Phone        *string `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	DepartmentID *string `json:"department_id,omitempty" maxLength:"36"`
	RoleID       *string `json:"role_id,omitempty" format:"uuid"`
	ManagerID    *string `json:"manager_id,omitempty" maxLength:"36"`
	Status       *string `json:"status,omitempty" enum:"active,disabled"`
}

// UserFilter narrows a user list.
type UserFilter struct {
	Q            string
	DepartmentID string
	RoleID       string
	Status       string
	Sort         string
}

// userSorts maps a sort name to its keyset columns.
var userSorts = map[string]struct {
	col  string
	desc bool
}{
	"name": {"u.name", false}, "-name": {"u.name", true},
	"created_at": {"", false}, "-created_at": {"", true}, // ids are time-ordered
}

// users selects the users the caller may see, with display names joined in.
func (s *Service) users(ctx context.Context) *bun.SelectQuery {
	p := auth.From(ctx)
	q := s.DB.R(ctx).NewSelect().Model((*User)(nil)).ColumnExpr(userColumns).
		ColumnExpr("COALESCE(d.name, '') AS department_name").ColumnExpr("r.name AS role_name").
		ColumnExpr("COALESCE(m.name, '') AS manager_name").
		Join("LEFT JOIN departments AS d ON d.id = u.department_id").
		Join("JOIN roles AS r ON r.id = u.role_id").
		Join("LEFT JOIN users AS m ON m.id = u.manager_id")
	return p.Scoped(q, "u.tenant_id", "u.id", "u.department_id")
}

// ListUsers returns one keyset page of the users in the caller's scope.
func (s *Service) ListUsers(ctx context.Context, f UserFilter, limit int, cursor string) (httpx.Page[User], error) {
	var page httpx.Page[User]
	sort, ok := userSorts[f.Sort]
	if !ok {
		return page, apperr.Invalid("query.sort", "must be one of name, -name, created_at, -created_at")
	}
	nkeys := 1
	if sort.col != "" {
		nkeys = 2
	}
	keys, err := httpx.DecodeCursor(cursor, f.Sort, nkeys)
	if err != nil {
		return page, err
	}
	q := s.users(ctx)
	if f.Q != "" {
		like := "%" + strings.ToLower(f.Q) + "%"
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("LOWER(u.name) LIKE ?", like).WhereOr("LOWER(u.email) LIKE ?", like).WhereOr("u.phone LIKE ?", like)
		})
	}
	for col, v := range map[string]string{"u.department_id": f.DepartmentID, "u.role_id": f.RoleID, "u.status": f.Status} {
		if v != "" {
			q = q.Where("? = ?", bun.Ident(col), v)
		}
	}
	op, dir := ">", "ASC"
	if sort.desc {
		op, dir = "<", "DESC"
	}
	if sort.col == "" {
		if keys != nil {
			q = q.Where("u.id "+op+" ?", keys[0])
		}
		q = q.OrderExpr("u.id " + dir)
	} else {
		if keys != nil {
			q = q.Where("("+sort.col+" "+op+" ? OR ("+sort.col+" = ? AND u.id "+op+" ?))", keys[0], keys[0], keys[1])
		}
		q = q.OrderExpr(sort.col + " " + dir + ", u.id " + dir)
	}
	var rows []User
	if err := q.Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	page.Items = rows
	if more {
		last := rows[len(rows)-1]
		if sort.col == "" {
			page.NextCursor = httpx.EncodeCursor(f.Sort, last.ID)
		} else {
			page.NextCursor = httpx.EncodeCursor(f.Sort, last.Name, last.ID)
		}
	}
	return page, nil
}

// userColumns are the stored columns a user is read with: never the
// password hash, which only sign-in reads.
const userColumns = `u.id, u.tenant_id, u.email, u.name, u.phone, u.department_id, u.role_id, u.manager_id,
	u.status, u.created_at, u.updated_at, u.version`

// userSelect is the user query with display names, as raw SQL for the hot
// single-user read (every /me and sign-in runs it).
const userSelect = `SELECT ` + userColumns + `, COALESCE(d.name, '') AS department_name, r.name AS role_name,
	COALESCE(m.name, '') AS manager_name
	FROM users AS u JOIN roles AS r ON r.id = u.role_id
	LEFT JOIN departments AS d ON d.id = u.department_id LEFT JOIN users AS m ON m.id = u.manager_id
	WHERE u.id = ? AND `

// GetUser returns one user in the caller's scope; anyone else is not found.
func (s *Service) GetUser(ctx context.Context, id string) (*User, error) {
	scope, args := auth.From(ctx).ScopeSQL("u.tenant_id", "u.id", "u.department_id")
	var u User
	err := s.DB.GetOne(ctx, &u, userSelect+scope, append([]any{id}, args...)...)
	return &u, db.NotFound(err, "user")
}

// checkRefs validates the department, role and manager a user would have.
func (s *Service) checkRefs(ctx context.Context, u *User) error {
	p := auth.From(ctx)
	if u.DepartmentID != nil {
		if _, err := s.GetDepartment(ctx, *u.DepartmentID); apperr.Is(err, apperr.KindNotFound) {
			return apperr.Invalid("body.department_id", "no such department")
		} else if err != nil {
			return err
		}
	}
	role, err := s.GetRole(ctx, u.RoleID)
	if apperr.Is(err, apperr.KindNotFound) {
		return apperr.Invalid("body.role_id", "no such role")
	} else if err != nil {
		return err
	}
	if err := checkGrant(p, "body.role_id", role.Permissions, role.DataScope); err != nil {
		return apperr.Invalid("body.role_id", "this role grants more than your own role holds")
	}
	if u.ManagerID != nil {
		return s.checkManager(ctx, u.ID, *u.ManagerID)
	}
	return nil
}

// checkManager refuses a manager outside the tenant or one that would make
// the reporting line a loop.
func (s *Service) checkManager(ctx context.Context, userID, managerID string) error {
	tenant := auth.From(ctx).TenantID
	for cur, hops := managerID, 0; cur != ""; hops++ {
		if cur == userID || hops > 100 {
			return apperr.Invalid("body.manager_id", "would make a reporting loop")
		}
		var next []*string
		err := s.DB.R(ctx).NewSelect().Table("users").Column("manager_id").
			Where("id = ? AND tenant_id = ?", cur, tenant).Scan(ctx, &next)
		if err != nil {
			return err
		}
		if len(next) == 0 {
			if cur == managerID {
				return apperr.Invalid("body.manager_id", "no such user")
			}
			return nil
		}
		cur = ""
		if next[0] != nil {
			cur = *next[0]
		}
	}
	return nil
}

// CreateUser adds a user with a checked password.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	p := auth.From(ctx)
	if err := auth.CheckPassword(in.Password); err != nil {
		return nil, apperr.Invalid("body.password", "%s", err)
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	u := &User{ID: ids.New(), TenantID: p.TenantID, Email: normEmail(in.Email), Name: strings.TrimSpace(in.Name),
		Phone: in.Phone, PasswordHash: hash, DepartmentID: in.DepartmentID, RoleID: in.RoleID, ManagerID: in.ManagerID,
		Status: StatusActive, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkRefs(ctx, u); err != nil {
			return err
		}
		return s.insertUser(ctx, tx, u)
	})
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, u.ID)
}

func (s *Service) insertUser(ctx context.Context, tx bun.IDB, u *User) error {
	if _, err := tx.NewInsert().Model(u).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.ConflictField("body.email", "this email is already registered")
		}
		return err
	}
	return audit.Record(ctx, tx, audit.Create, "user", u.ID, audit.Diff(nil, u))
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// UpdateUser changes a user. Disabling a user or changing their password
// ends all their sessions and tokens in the same transaction.
func (s *Service) UpdateUser(ctx context.Context, id string, version int64, in UserPatch) (*User, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.GetUser(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("user", old.Version, version); err != nil {
			return err
		}
		u, endSessions, err := applyUserPatch(p, *old, in)
		if err != nil {
			return err
		}
		if in.Password == nil && len(audit.Diff(old, &u)) == 0 {
			return nil // nothing changes: keep the version, write nothing
		}
		if err := s.checkRefs(ctx, &u); err != nil {
			return err
		}
		u.UpdatedAt, u.Version = time.Now().UTC(), old.Version+1
		cols := []string{"email", "name", "phone", "department_id", "role_id", "manager_id", "status", "updated_at", "version"}
		if in.Password != nil {
			cols = append(cols, "password_hash")
		}
		res, err := tx.NewUpdate().Model(&u).Column(cols...).
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if db.IsUniqueViolation(err) {
			return apperr.ConflictField("body.email", "this email is already registered")
		}
		if err := db.Versioned(res, err, "user", old.Version); err != nil {
			return err
		}
		changes := audit.Diff(old, &u)
		if in.Password != nil {
			changes = append(changes, audit.Change{Field: "password", Old: "(hidden)", New: "(changed)"})
		}
		if endSessions {
			if err := session.EndAll(ctx, tx, p.TenantID, id); err != nil {
				return err
			}
		}
		if err := s.userMoved(ctx, tx, old, &u); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "user", id, changes)
	})
	err = s.changed(ctx, err)
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, id)
}

// applyUserPatch returns the user with the patch applied and whether their
// sessions must end.
func applyUserPatch(p *auth.Principal, u User, in UserPatch) (User, bool, error) {
	end := false
	if in.Email != nil {
		u.Email = normEmail(*in.Email)
	}
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
	}
	if in.Phone != nil {
		u.Phone = *in.Phone
	}
	if in.DepartmentID != nil {
		u.DepartmentID = emptyToNil(*in.DepartmentID)
	}
	if in.RoleID != nil {
		if u.ID == p.UserID && *in.RoleID != u.RoleID {
			return u, false, apperr.Invalid("body.role_id", "you cannot change your own role")
		}
		u.RoleID = *in.RoleID
	}
	if in.ManagerID != nil {
		u.ManagerID = emptyToNil(*in.ManagerID)
	}
	if in.Status != nil && *in.Status != u.Status {
		if u.ID == p.UserID {
			return u, false, apperr.Invalid("body.status", "you cannot disable yourself")
		}
		u.Status = *in.Status
		end = u.Status == StatusDisabled
	}
	if in.Password != nil {
		if err := auth.CheckPassword(*in.Password); err != nil {
			return u, false, apperr.Invalid("body.password", "%s", err)
		}
		hash, err := auth.HashPassword(*in.Password)
		if err != nil {
			return u, false, err
		}
		u.PasswordHash, end = hash, true
	}
	return u, end, nil
}

func emptyToNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ResolveOwner decides who owns a record being created or handed over: the
// caller when id is nil or the caller's own id, else an active user of the
// tenant inside the caller's data scope (a rep's scope is themself, so only
// managers and up hand records to others). It returns the owner and their
// department, which the record's department scope follows; anyone else is
// a 422 naming body.owner_id.
func ResolveOwner(ctx context.Context, d *db.DB, id *string) (string, *string, error) {
	p := auth.From(ctx)
	if id == nil || *id == p.UserID {
		return p.UserID, emptyToNil(p.DepartmentID), nil
	}
	scope, args := p.ScopeSQL("u.tenant_id", "u.id", "u.department_id")
	var rows []struct {
		ID           string  `bun:"id"`
		DepartmentID *string `bun:"department_id"`
	}
	err := d.R(ctx).NewSelect().TableExpr("users AS u").Column("u.id", "u.department_id").
		Where("u.id = ? AND u.status = 'active'", *id).Where(scope, args...).Scan(ctx, &rows)
	if err != nil {
		return "", nil, err
	}
	if len(rows) == 0 {
		return "", nil, apperr.Invalid("body.owner_id", "no active user of that id in your data scope")
	}
	return rows[0].ID, rows[0].DepartmentID, nil
}
