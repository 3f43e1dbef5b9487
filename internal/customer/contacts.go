package customer

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Decision roles and attitudes of a contact.
const (
	RoleDecisionMaker = "decision_maker"
	RoleInfluencer    = "influencer"
	RoleUser          = "user"
	RoleCoach         = "coach"
	RoleBlocker       = "blocker"

	AttitudeSupportive = "supportive"
	AttitudeNeutral    = "neutral"
	AttitudeOpposed    = "opposed"
)

// ContactInput creates a contact of a customer.
type ContactInput struct {
	CustomerID   string `json:"customer_id" format:"uuid" doc:"A customer in your data scope."`
	Name         string `json:"name" minLength:"1" maxLength:"60"`
	Title        string `json:"title,omitempty" maxLength:"60"`
	Phone        string `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9０-９+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	Email        string `json:"email,omitempty" maxLength:"254" pattern:"^([^@\\s]+@[^@\\s]+)?$" patternDescription:"an email address"`
	WeChat       string `json:"wechat,omitempty" maxLength:"60"`
	DecisionRole string `json:"decision_role,omitempty" enum:",decision_maker,influencer,user,coach,blocker"`
	Attitude     string `json:"attitude,omitempty" enum:",supportive,neutral,opposed"`
	IsPrimary    bool   `json:"is_primary,omitempty" doc:"Make this the customer's primary contact; the previous one stops being primary."`
	Notes        string `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
}

// ContactPatch changes some fields of a contact. A contact stays with its
// customer.
type ContactPatch struct {
	Name         *string `json:"name,omitempty" minLength:"1" maxLength:"60"`
	Title        *string `json:"title,omitempty" maxLength:"60"`
	Phone        *string `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9０-９+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	Email        *string `json:"email,omitempty" maxLength:"254" pattern:"^([^@\\s]+@[^@\\s]+)?$" patternDescription:"an email address"`
	WeChat       *string `json:"wechat,omitempty" maxLength:"60"`
	DecisionRole *string `json:"decision_role,omitempty" enum:",decision_maker,influencer,user,coach,blocker" doc:"Empty clears it."`
	Attitude     *string `json:"attitude,omitempty" enum:",supportive,neutral,opposed" doc:"Empty clears it."`
	IsPrimary    *bool   `json:"is_primary,omitempty" doc:"true makes this the primary contact (the previous one stops being primary)."`
	Notes        *string `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
}

// contacts selects the contacts the caller may see, with their customer's
// name. A contact carries its customer's owner and department, so it is
// visible exactly when its customer is.
func (s *Service) contacts(ctx context.Context) *bun.SelectQuery {
	q := s.DB.R(ctx).NewSelect().Model((*Contact)(nil)).ColumnExpr("ct.*").
		ColumnExpr("c.name AS customer_name").
		Join("JOIN customers AS c ON c.id = ct.customer_id AND c.tenant_id = ct.tenant_id")
	return auth.From(ctx).Scoped(q, "ct.tenant_id", "ct.owner_id", "ct.department_id")
}

// GetContact returns one contact in the caller's scope; any other is not found.
func (s *Service) GetContact(ctx context.Context, id string) (*Contact, error) {
	var c Contact
	err := s.contacts(ctx).Where("ct.id = ?", id).Scan(ctx, &c)
	return &c, db.NotFound(err, "contact")
}

// CreateContact adds a contact to a customer in the caller's scope.
func (s *Service) CreateContact(ctx context.Context, in ContactInput) (*Contact, error) {
	var out *Contact
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		cust, err := s.Get(ctx, in.CustomerID)
		if apperr.Is(err, apperr.KindNotFound) {
			return apperr.Invalid("body.customer_id", "no customer of that id in your data scope")
		} else if err != nil {
			return err
		}
		out, err = s.createContact(ctx, cust, in)
		return err
	})
	return out, err
}

// createContact adds a contact to cust, which the caller may see. Errors
// name fields as body.<field>.
func (s *Service) createContact(ctx context.Context, cust *Customer, in ContactInput) (*Contact, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	c := &Contact{ID: ids.New(), TenantID: p.TenantID, CustomerID: cust.ID, Name: strings.TrimSpace(in.Name),
		Title: strings.TrimSpace(in.Title), Phone: strings.TrimSpace(in.Phone), Email: strings.TrimSpace(in.Email),
		WeChat: strings.TrimSpace(in.WeChat), DecisionRole: emptyToNil(in.DecisionRole), Attitude: emptyToNil(in.Attitude),
		IsPrimary: in.IsPrimary, Notes: in.Notes, OwnerID: cust.OwnerID, DepartmentID: cust.DepartmentID,
		CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if c.Name == "" {
		return nil, apperr.Invalid("body.name", "is required")
	}
	c.setKeys()
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if c.IsPrimary {
			if err := s.demotePrimary(ctx, tx, cust.ID, c.ID); err != nil {
				return err
			}
		}
		if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
			return primaryConflict(err)
		}
		return audit.Record(ctx, tx, audit.Create, "contact", c.ID, audit.Diff(nil, c))
	})
	if err != nil {
		return nil, err
	}
	return s.GetContact(ctx, c.ID)
}

// demotePrimary makes the customer's primary contact, other than keep, no
// longer primary, with an audit entry.
func (s *Service) demotePrimary(ctx context.Context, tx bun.Tx, customerID, keep string) error {
	p := auth.From(ctx)
	var prev []Contact
	if err := tx.NewSelect().Model(&prev).Where("ct.tenant_id = ? AND ct.customer_id = ? AND ct.is_primary AND ct.id <> ?",
		p.TenantID, customerID, keep).Scan(ctx); err != nil {
		return err
	}
	for i := range prev {
		old := prev[i]
		c := old
		c.IsPrimary, c.UpdatedAt, c.Version = false, time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&c).Column("is_primary", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", c.ID, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "contact", old.Version); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Update, "contact", c.ID, audit.Diff(&old, &c)); err != nil {
			return err
		}
	}
	return nil
}

// primaryConflict turns a second primary contact, made by a concurrent
// write, into a 409.
func primaryConflict(err error) error {
	if db.IsUniqueViolation(err) {
		return apperr.ConflictField("body.is_primary", "the customer got another primary contact meanwhile; try again")
	}
	return err
}

// UpdateContact applies a patch to a contact at the caller's version.
func (s *Service) UpdateContact(ctx context.Context, id string, version int64, in ContactPatch) (*Contact, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.GetContact(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("contact", old.Version, version); err != nil {
			return err
		}
		c := *old
		for _, f := range []struct {
			dst *string
			src *string
		}{
			{&c.Name, in.Name}, {&c.Title, in.Title}, {&c.Phone, in.Phone}, {&c.Email, in.Email}, {&c.WeChat, in.WeChat},
		} {
			if f.src != nil {
				*f.dst = strings.TrimSpace(*f.src)
			}
		}
		if c.Name == "" {
			return apperr.Invalid("body.name", "is required")
		}
		if in.DecisionRole != nil {
			c.DecisionRole = emptyToNil(*in.DecisionRole)
		}
		if in.Attitude != nil {
			c.Attitude = emptyToNil(*in.Attitude)
		}
		if in.IsPrimary != nil {
			c.IsPrimary = *in.IsPrimary
		}
		if in.Notes != nil {
			c.Notes = *in.Notes
		}
		changes := audit.Diff(old, &c)
		if len(changes) == 0 {
			return nil
		}
		if c.IsPrimary && !old.IsPrimary {
			if err := s.demotePrimary(ctx, tx, c.CustomerID, c.ID); err != nil {
				return err
			}
		}
		c.setKeys()
		c.UpdatedAt, c.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&c).Column("name", "title", "phone", "email", "wechat", "decision_role", "attitude",
			"is_primary", "notes", "phone_key", "email_key", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, primaryConflict(err), "contact", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Update, "contact", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return s.GetContact(ctx, id)
}

// DeleteContact removes a contact at the caller's version with the
// activities and attachments on it (the DeleteHooks), as a customer delete
// does. A contact a lead was converted into is kept (409), like its customer.
func (s *Service) DeleteContact(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	var after []func()
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.GetContact(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("contact", old.Version, version); err != nil {
			return err
		}
		n, err := tx.NewSelect().Table("leads").Where("tenant_id = ? AND converted_contact_id = ?", p.TenantID, id).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("a converted lead links to this contact; it is kept as the record of the conversion")
		}
		if n, err = tx.NewSelect().Table("opportunity_contacts").Where("contact_id = ?", id).Count(ctx); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("the contact takes part in %d opportunities; take it off them first", n)
		}
		if after, err = s.runDeleteHooks(ctx, tx, Deleted{TenantID: p.TenantID, ContactIDs: []string{id}}); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("contacts").Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "contact", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "contact", id, audit.Diff(old, nil))
	})
	if err != nil {
		return err
	}
	for _, f := range after {
		f()
	}
	return nil
}
