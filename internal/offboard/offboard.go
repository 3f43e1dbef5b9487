// Package offboard hands a departing user's work to a successor: every lead,
// customer (with its contacts' copied owner), opportunity and open activity
// they own moves in one transaction, each with its own audit entry, and the
// user is disabled at the end. It also builds the single-lead moves the bulk
// lead actions run (LeadOps).
package offboard

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/pool"
)

// Service offboards users.
type Service struct {
	DB   *db.DB
	Orgs *org.Service
}

// OffboardInput names who takes over.
type OffboardInput struct {
	SuccessorID string `json:"successor_id,omitempty" format:"uuid" doc:"An active user of the tenant, not the one leaving (required; checked after the user, so a user you cannot see is a 404 whatever the body)."`
	Reason      string `json:"reason,omitempty" maxLength:"200" doc:"Kept in each lead's and customer's pool history; default 离职交接."`
}

// OffboardResult counts what moved to the successor.
type OffboardResult struct {
	Leads         int `json:"leads"`
	Customers     int `json:"customers"`
	Contacts      int `json:"contacts" doc:"Contacts of the moved customers (their owner is the customer's)."`
	Opportunities int `json:"opportunities"`
	Activities    int `json:"activities" doc:"Open (planned) activities and tasks the user was to do."`
}

// Register mounts POST /api/v1/users/{id}/offboard.
func Register(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "offboard-user", Method: http.MethodPost, Path: "/api/v1/users/{id}/offboard",
		Tags: []string{"users"}, Summary: "Hand a departing user's work to a successor and disable the user",
		Description: "In one transaction: every lead, customer (with its contacts), opportunity and open activity the " +
			"user owns moves to the successor, whose department the records' department copies take; each move has " +
			"its own audit entry. Then the user is disabled and their sessions and tokens end. Any refusal changes nothing."},
		httpx.Perm("user.write"),
		func(ctx context.Context, in *struct {
			httpx.IDPath
			Body OffboardInput
		}) (*struct{ Body OffboardResult }, error) {
			out, err := s.Offboard(ctx, in.ID, in.Body)
			return &struct{ Body OffboardResult }{Body: out}, err
		})
}

type successor struct {
	ID           string  `bun:"id"`
	DepartmentID *string `bun:"department_id"`
}

// Offboard moves the user's work to the successor and disables the user.
func (s *Service) Offboard(ctx context.Context, userID string, in OffboardInput) (OffboardResult, error) {
	p := auth.From(ctx)
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		reason = "离职交接"
	}
	var out OffboardResult
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		out = OffboardResult{}
		u, err := s.Orgs.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		if u.ID == p.UserID {
			return apperr.Invalid("path.id", "you cannot offboard yourself")
		}
		succ, err := s.successor(ctx, tx, u.ID, in.SuccessorID)
		if err != nil {
			return err
		}
		m := &mover{d: s.DB, tx: tx, tenant: p.TenantID, from: u.ID, to: succ, reason: reason, now: time.Now().UTC()}
		for _, step := range []func(context.Context) error{m.leads, m.customers, m.opportunities, m.activities, m.subjectCopies} {
			if err := step(ctx); err != nil {
				return err
			}
		}
		out = m.out
		if u.Status == org.StatusDisabled {
			return nil
		}
		disabled := org.StatusDisabled
		_, err = s.Orgs.UpdateUser(ctx, u.ID, u.Version, org.UserPatch{Status: &disabled})
		return err
	})
	return out, err
}

// successor is an active user of the tenant other than the one leaving.
func (s *Service) successor(ctx context.Context, tx bun.Tx, leaving, id string) (*successor, error) {
	if id == "" {
		return nil, apperr.Invalid("body.successor_id", "is required")
	}
	if id == leaving {
		return nil, apperr.Invalid("body.successor_id", "must be someone else than the user leaving")
	}
	var rows []successor
	err := tx.NewSelect().Table("users").Column("id", "department_id").
		Where("id = ? AND tenant_id = ? AND status = ?", id, auth.From(ctx).TenantID, org.StatusActive).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.Invalid("body.successor_id", "no active user of that id in your organization")
	}
	return &rows[0], nil
}

// mover does the moves of one offboarding inside its transaction.
type mover struct {
	d          *db.DB
	tx         bun.Tx
	tenant     string
	from       string
	to         *successor
	reason     string
	now        time.Time
	out        OffboardResult
	moved      map[string][]string // subject type → ids, for the activities' copies
	contactIDs []string
}

func (m *mover) note(kind string, id string) {
	if m.moved == nil {
		m.moved = map[string][]string{}
	}
	m.moved[kind] = append(m.moved[kind], id)
}

// leads move through the pool feature's Apply, so each is in the lead's
// pool history as well as the audit trail.
func (m *mover) leads(ctx context.Context) error {
	var leadIDs []string
	if err := m.tx.NewSelect().Table("leads").Column("id").Where("tenant_id = ? AND owner_id = ?", m.tenant, m.from).
		OrderExpr("id").Scan(ctx, &leadIDs); err != nil {
		return err
	}
	for _, id := range leadIDs {
		l, err := pool.LoadLead(ctx, m.d, id)
		if err != nil {
			return err
		}
		if err := pool.Apply(ctx, m.d, pool.Move{Lead: l, Kind: pool.KindAssign, ToOwner: &m.to.ID,
			ToDept: m.to.DepartmentID, Reason: m.reason}); err != nil {
			return err
		}
		m.note("lead", id)
	}
	m.out.Leads = len(leadIDs)
	return nil
}

// owned lists the ids of the records of table the user owns, with their
// department, as the audit needs them.
type ownedRow struct {
	ID           string  `bun:"id"`
	DepartmentID *string `bun:"department_id"`
}

func (m *mover) owned(ctx context.Context, table, extra string) ([]ownedRow, error) {
	var rows []ownedRow
	q := m.tx.NewSelect().Table(table).Column("id", "department_id").Where("tenant_id = ? AND owner_id = ?", m.tenant, m.from)
	if extra != "" {
		q = q.Where(extra)
	}
	return rows, q.OrderExpr("id").Scan(ctx, &rows)
}

// handOver moves one record of table to the successor with its audit entry.
func (m *mover) handOver(ctx context.Context, table, objectType string, r ownedRow, withDept bool) error {
	q := m.tx.NewUpdate().Table(table).Set("owner_id = ?", m.to.ID).Set("updated_at = ?", m.now).
		Set("version = version + 1").Where("id = ? AND tenant_id = ? AND owner_id = ?", r.ID, m.tenant, m.from)
	changes := []audit.Change{{Field: "owner_id", Old: m.from, New: m.to.ID}}
	if withDept {
		q = q.Set("department_id = ?", m.to.DepartmentID)
		if !same(r.DepartmentID, m.to.DepartmentID) {
			changes = append(changes, audit.Change{Field: "department_id", Old: val(r.DepartmentID), New: val(m.to.DepartmentID)})
		}
	}
	if _, err := q.Exec(ctx); err != nil {
		return err
	}
	return audit.Record(ctx, m.tx, audit.Update, objectType, r.ID, changes)
}

// customers move, like leads, through the pool feature's ApplyCustomer: it
// carries their contacts (whose owner and department are copies of the
// customer's), records an assign in the customer's pool history besides the
// audit entry, and restarts the pool clock (assigned_at), so the customer
// return job does not take a customer from the successor for the leaver's
// idleness.
func (m *mover) customers(ctx context.Context) error {
	rows, err := m.owned(ctx, "customers", "")
	if err != nil {
		return err
	}
	for _, r := range rows {
		c, err := pool.LoadCustomer(ctx, m.d, r.ID)
		if err != nil {
			return err
		}
		if err := pool.ApplyCustomer(ctx, m.d, pool.CustomerMove{Customer: c, Kind: pool.KindAssign, ToOwner: &m.to.ID,
			ToDept: m.to.DepartmentID, Reason: m.reason}); err != nil {
			return err
		}
		var contacts []string
		if err := m.tx.NewSelect().Table("contacts").Column("id").Where("tenant_id = ? AND customer_id = ?", m.tenant, r.ID).
			Scan(ctx, &contacts); err != nil {
			return err
		}
		m.note("customer", r.ID)
		for _, c := range contacts {
			m.note("contact", c)
		}
		m.out.Contacts += len(contacts)
	}
	m.out.Customers = len(rows)
	return nil
}

func (m *mover) opportunities(ctx context.Context) error {
	rows, err := m.owned(ctx, "opportunities", "")
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := m.handOver(ctx, "opportunities", "opportunity", r, true); err != nil {
			return err
		}
		m.note("opportunity", r.ID)
	}
	m.out.Opportunities = len(rows)
	return nil
}

// activities: the open ones the user was to do (done and cancelled ones
// are history and keep who did them).
func (m *mover) activities(ctx context.Context) error {
	var rows []ownedRow
	if err := m.tx.NewSelect().Table("activities").ColumnExpr("id, subject_department_id AS department_id").
		Where("tenant_id = ? AND owner_id = ? AND status = 'planned'", m.tenant, m.from).OrderExpr("id").Scan(ctx, &rows); err != nil {
		return err
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if err := m.handOver(ctx, "activities", "activity", r, false); err != nil {
			return err
		}
		ids = append(ids, r.ID)
	}
	// Reminders already sent go to the successor, who now does the work.
	for len(ids) > 0 {
		n := min(500, len(ids))
		if err := activity.RemindAgain(ctx, m.tx, m.tenant, bun.In(ids[:n])); err != nil {
			return err
		}
		ids = ids[n:]
	}
	m.out.Activities = len(rows)
	return nil
}

// subjectCopies keeps the activities' copies of their subject's owner and
// department (which the data scope filters on) in step with the moved
// subjects. They are not fields of the activities: no audit entry.
func (m *mover) subjectCopies(ctx context.Context) error {
	for kind, subjectIDs := range m.moved {
		for len(subjectIDs) > 0 {
			n := min(500, len(subjectIDs))
			if _, err := m.tx.NewUpdate().Table("activities").Set("subject_owner_id = ?", m.to.ID).
				Set("subject_department_id = ?", m.to.DepartmentID).
				Where("tenant_id = ? AND subject_type = ? AND subject_id IN (?)", m.tenant, kind, bun.In(subjectIDs[:n])).Exec(ctx); err != nil {
				return err
			}
			subjectIDs = subjectIDs[n:]
		}
	}
	return nil
}

func same(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func val(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
