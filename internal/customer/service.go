package customer

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Service is the customer feature's logic over its store. Leads is the lead
// service, for duplicate checks and conversion.
type Service struct {
	DB    *db.DB
	Leads *lead.Service
	// NewOpportunity, when set, opens the opportunity a lead conversion
	// asks for, inside the conversion's transaction.
	NewOpportunity NewOpportunity
	// Scored, when set, rescores a customer inside the transaction that
	// created or changed it (the scoring feature's hook; scoring depends
	// on customer, not the other way round).
	Scored func(ctx context.Context, customerID string) error
	// Rate, when set, scores a new customer from its fields before it is
	// written (it has no activities or opportunities yet), so a create
	// is one audit entry with its score.
	Rate func(ctx context.Context, c *Customer) error
	// LeftPool, when set, is told (inside the update's transaction) that an
	// owner change took a customer out of its pool, for the pool history.
	LeftPool func(ctx context.Context, customerID string, fromPool, to *string) error
	// DeleteHooks remove other features' rows hung on a deleted customer
	// and its contacts (activities, attachments), inside the delete's
	// transaction (set where the server is assembled, so this package
	// imports none of them).
	DeleteHooks []DeleteHook
}

// Deleted is what a customer delete removes: the customer and its
// contacts; or, with no CustomerID, what a contact delete removes.
type Deleted struct {
	TenantID, CustomerID string
	ContactIDs           []string
}

// DeleteHook deletes a feature's rows of a deleted customer and contacts,
// each with its audit entry, in the transaction of ctx. The func it answers,
// if any, runs once the delete has committed (removing files, which a
// rollback could not bring back).
type DeleteHook func(ctx context.Context, tx bun.Tx, d Deleted) (afterCommit func(), err error)

// CustomerInput creates a customer.
type CustomerInput struct {
	Name            string  `json:"name" minLength:"1" maxLength:"100" doc:"The company name; its normalized form is the dedupe key shared with leads' company."`
	Phone           string  `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9０-９+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	Email           string  `json:"email,omitempty" maxLength:"254" pattern:"^([^@\\s]+@[^@\\s]+)?$" patternDescription:"an email address"`
	Website         string  `json:"website,omitempty" maxLength:"200"`
	Industry        string  `json:"industry,omitempty" maxLength:"40"`
	Size            string  `json:"size,omitempty" enum:",micro,small,medium,large,enterprise"`
	Region          string  `json:"region,omitempty" maxLength:"40"`
	Address         string  `json:"address,omitempty" maxLength:"200"`
	Source          string  `json:"source,omitempty" maxLength:"40"`
	AnnualRevenue   int64   `json:"annual_revenue,omitempty" minimum:"0" maximum:"1000000000000000" doc:"Minor units of revenue_currency."`
	RevenueCurrency string  `json:"revenue_currency,omitempty" pattern:"^[A-Z]{3}$" patternDescription:"an ISO 4217 code like CNY" doc:"Absent: CNY."`
	KeyCustomer     *bool   `json:"key_customer,omitempty" doc:"A person's decision on the key flag, which scoring never overrides; absent: the scoring model decides. Score and grade come from the scoring model."`
	Notes           string  `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
	OwnerID         *string `json:"owner_id,omitempty" format:"uuid" doc:"An active user in your data scope; absent: you own the customer."`
	AllowDuplicate  bool    `json:"allow_duplicate,omitempty" doc:"Create even though customers or leads with the same phone, email or company exist."`
}

// CustomerPatch changes some fields of a customer.
type CustomerPatch struct {
	Name            *string `json:"name,omitempty" minLength:"1" maxLength:"100"`
	Phone           *string `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9０-９+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	Email           *string `json:"email,omitempty" maxLength:"254" pattern:"^([^@\\s]+@[^@\\s]+)?$" patternDescription:"an email address"`
	Website         *string `json:"website,omitempty" maxLength:"200"`
	Industry        *string `json:"industry,omitempty" maxLength:"40"`
	Size            *string `json:"size,omitempty" enum:",micro,small,medium,large,enterprise"`
	Region          *string `json:"region,omitempty" maxLength:"40"`
	Address         *string `json:"address,omitempty" maxLength:"200"`
	Source          *string `json:"source,omitempty" maxLength:"40"`
	AnnualRevenue   *int64  `json:"annual_revenue,omitempty" minimum:"0" maximum:"1000000000000000" doc:"Minor units of revenue_currency."`
	RevenueCurrency *string `json:"revenue_currency,omitempty" pattern:"^[A-Z]{3}$" patternDescription:"an ISO 4217 code like CNY"`
	KeyCustomer     *bool   `json:"key_customer,omitempty" doc:"Pins the key flag (key_customer_manual); scoring never overrides it."`
	KeyCustomerAuto bool    `json:"key_customer_auto,omitempty" doc:"true: drop the manual key flag and let the scoring model decide; not with key_customer."`
	Notes           *string `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
	OwnerID         *string `json:"owner_id,omitempty" format:"uuid" doc:"Hand over to an active user in your data scope; the contacts follow."`
}

// customers selects the customers the caller may see, with the owner's name.
func (s *Service) customers(ctx context.Context) *bun.SelectQuery {
	q := s.DB.R(ctx).NewSelect().Model((*Customer)(nil)).ColumnExpr("c.*").
		ColumnExpr("COALESCE(u.name, '') AS owner_name").
		Join("LEFT JOIN users AS u ON u.id = c.owner_id")
	return auth.From(ctx).Scoped(q, "c.tenant_id", "c.owner_id", "c.department_id")
}

// Get returns one customer in the caller's scope; any other is not found.
func (s *Service) Get(ctx context.Context, id string) (*Customer, error) {
	var c Customer
	err := s.customers(ctx).Where("c.id = ?", id).Scan(ctx, &c)
	return &c, db.NotFound(err, "customer")
}

// Create adds a customer owned by the caller or by owner_id. Unless
// allow_duplicate is set, a customer whose dedupe keys match an existing
// customer or lead of the tenant is refused with the matches.
func (s *Service) Create(ctx context.Context, in CustomerInput) (*Customer, error) {
	return s.create(ctx, in, lead.MatchOptions{Leads: true, Customers: true}, "", nil)
}

// create adds a customer, checking duplicates among what o says; hint
// tells a refused caller how to go ahead. leadID is the lead it is
// converted from, if any.
func (s *Service) create(ctx context.Context, in CustomerInput, o lead.MatchOptions, hint string, leadID *string) (*Customer, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	c := &Customer{ID: ids.New(), TenantID: p.TenantID, Name: strings.TrimSpace(in.Name), Phone: strings.TrimSpace(in.Phone),
		Email: strings.TrimSpace(in.Email), Website: strings.TrimSpace(in.Website), Industry: strings.TrimSpace(in.Industry),
		Size: in.Size, Region: strings.TrimSpace(in.Region), Address: strings.TrimSpace(in.Address),
		Source: strings.TrimSpace(in.Source), AnnualRevenue: in.AnnualRevenue, RevenueCurrency: in.RevenueCurrency,
		KeyCustomerManual: in.KeyCustomer, Notes: in.Notes, LeadID: leadID, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if c.Name == "" {
		return nil, apperr.Invalid("body.name", "is required")
	}
	if c.RevenueCurrency == "" {
		c.RevenueCurrency = "CNY"
	}
	if c.KeyCustomerManual != nil {
		c.KeyCustomer = *c.KeyCustomerManual
	}
	c.setKeys()
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if c.OwnerID, c.DepartmentID, err = s.owner(ctx, in.OwnerID); err != nil {
			return err
		}
		if !in.AllowDuplicate {
			matches, err := s.Leads.Matches(ctx, lead.Keys{Phone: c.PhoneKey, Email: c.EmailKey, Company: c.CompanyKey}, o)
			if err != nil {
				return err
			}
			if len(matches) > 0 {
				return &lead.DuplicatesError{Matches: matches, Hint: hint}
			}
		}
		if s.Rate != nil {
			if err := s.Rate(ctx, c); err != nil {
				return err
			}
		}
		if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "customer", c.ID, audit.Diff(nil, c))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, c.ID)
}

// owner resolves who a customer is given to: the caller when id is absent
// or the caller, else an active user in the caller's data scope (a rep's
// scope is themself, so only managers and up hand customers to others).
// The department is the owner's, so the department scope follows the owner.
func (s *Service) owner(ctx context.Context, id *string) (*string, *string, error) {
	uid, dept, err := org.ResolveOwner(ctx, s.DB, id)
	return &uid, dept, err
}

// Update applies a patch to a customer at the caller's version. A new
// owner must be in the caller's scope; the contacts follow the customer.
func (s *Service) Update(ctx context.Context, id string, version int64, in CustomerPatch) (*Customer, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("customer", old.Version, version); err != nil {
			return err
		}
		c := *old
		if err := applyPatch(&c, in); err != nil {
			return err
		}
		if in.OwnerID != nil && (old.OwnerID == nil || *in.OwnerID != *old.OwnerID) {
			if c.OwnerID, c.DepartmentID, err = s.owner(ctx, in.OwnerID); err != nil {
				return err
			}
			// Owned now, so out of its pool; the pool clocks count from the handover.
			now := time.Now().UTC()
			c.PoolID, c.PooledAt, c.AssignedAt = nil, nil, &now
		}
		changes := audit.Diff(old, &c)
		if len(changes) == 0 {
			return nil // nothing changes: keep the version, write nothing
		}
		c.setKeys()
		c.UpdatedAt, c.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&c).Column(updatable...).
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "customer", old.Version); err != nil {
			return err
		}
		if !samePtr(old.OwnerID, c.OwnerID) || !samePtr(old.DepartmentID, c.DepartmentID) {
			// The scope copies on the contacts are not fields of theirs:
			// the customer's entry records the handover.
			if _, err := tx.NewUpdate().Table("contacts").Set("owner_id = ?, department_id = ?", c.OwnerID, c.DepartmentID).
				Where("customer_id = ? AND tenant_id = ?", id, p.TenantID).Exec(ctx); err != nil {
				return err
			}
		}
		if old.PoolID != nil && c.PoolID == nil && s.LeftPool != nil {
			if err := s.LeftPool(ctx, id, old.PoolID, c.OwnerID); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Update, "customer", id, changes); err != nil {
			return err
		}
		return s.scored(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// scored runs the Scored hook, if any.
func (s *Service) scored(ctx context.Context, id string) error {
	if s.Scored == nil {
		return nil
	}
	return s.Scored(ctx, id)
}

// updatable are the columns an update writes.
var updatable = []string{"name", "phone", "email", "website", "industry", "size", "region", "address", "source",
	"key_customer", "key_customer_manual", "annual_revenue", "revenue_currency", "owner_id", "department_id", "pool_id", "pooled_at", "assigned_at", "notes", "phone_key", "email_key", "company_key", "updated_at", "version"}

func applyPatch(c *Customer, in CustomerPatch) error {
	for _, f := range []struct {
		dst *string
		src *string
	}{
		{&c.Name, in.Name}, {&c.Phone, in.Phone}, {&c.Email, in.Email}, {&c.Website, in.Website}, {&c.Industry, in.Industry},
		{&c.Region, in.Region}, {&c.Address, in.Address}, {&c.Source, in.Source},
	} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	if c.Name == "" {
		return apperr.Invalid("body.name", "is required")
	}
	if in.Size != nil {
		c.Size = *in.Size
	}
	if in.AnnualRevenue != nil {
		c.AnnualRevenue = *in.AnnualRevenue
	}
	if in.RevenueCurrency != nil {
		c.RevenueCurrency = *in.RevenueCurrency
	}
	if in.KeyCustomer != nil && in.KeyCustomerAuto {
		return apperr.Invalid("body.key_customer_auto", "either pin the flag with key_customer or hand it to the model, not both")
	}
	if in.KeyCustomer != nil {
		k := *in.KeyCustomer
		c.KeyCustomerManual, c.KeyCustomer = &k, k
	}
	if in.KeyCustomerAuto {
		c.KeyCustomerManual = nil // the model decides the flag when rescoring in this transaction
	}
	if in.Notes != nil {
		c.Notes = *in.Notes
	}
	return nil
}

// Delete removes a customer at the caller's version with its contacts and
// what hangs on them (activities, attachments: the DeleteHooks), in one
// transaction with an audit entry for each. A customer a lead was converted
// into is kept (409): the lead's link is the record of the conversion; so is
// one with opportunities (409), which are deals of their own, not details.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	var after []func()
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		after = nil
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("customer", old.Version, version); err != nil {
			return err
		}
		if err := s.deleteBlockers(ctx, tx, id); err != nil {
			return err
		}
		gone, err := s.deleteContacts(ctx, tx, id)
		if err != nil {
			return err
		}
		if after, err = s.runDeleteHooks(ctx, tx, gone); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("customers").Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "customer", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "customer", id, audit.Diff(old, nil))
	})
	if err != nil {
		return err
	}
	for _, f := range after {
		f()
	}
	return nil
}

// runDeleteHooks deletes the other features' rows of what goes and answers
// what they leave to do after the commit.
func (s *Service) runDeleteHooks(ctx context.Context, tx bun.Tx, gone Deleted) ([]func(), error) {
	var after []func()
	for _, h := range s.DeleteHooks {
		f, err := h(ctx, tx, gone)
		if err != nil {
			return nil, err
		}
		if f != nil {
			after = append(after, f)
		}
	}
	return after, nil
}

// deleteBlockers refuses (409) the delete of a customer that records of
// their own point at: the leads converted into it, its opportunities.
func (s *Service) deleteBlockers(ctx context.Context, tx bun.Tx, id string) error {
	tenant := auth.From(ctx).TenantID
	n, err := tx.NewSelect().Table("leads").Where("tenant_id = ? AND converted_customer_id = ?", tenant, id).Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.Conflict("the customer has %d converted lead(s) linking to it; it is kept as the record of their conversion", n)
	}
	if n, err = tx.NewSelect().Table("opportunities").Where("tenant_id = ? AND customer_id = ?", tenant, id).Count(ctx); err != nil {
		return err
	}
	if n > 0 {
		return apperr.Conflict("the customer has %d opportunities; delete them or keep the customer", n)
	}
	return nil
}

// deleteContacts deletes the customer's contacts, each with its audit entry.
func (s *Service) deleteContacts(ctx context.Context, tx bun.Tx, id string) (Deleted, error) {
	gone := Deleted{TenantID: auth.From(ctx).TenantID, CustomerID: id}
	var contacts []Contact
	if err := tx.NewSelect().Model(&contacts).Where("ct.tenant_id = ? AND ct.customer_id = ?", gone.TenantID, id).
		OrderExpr("ct.id").Scan(ctx); err != nil {
		return gone, err
	}
	for i := range contacts {
		if err := audit.Record(ctx, tx, audit.Delete, "contact", contacts[i].ID, audit.Diff(&contacts[i], nil)); err != nil {
			return gone, err
		}
		gone.ContactIDs = append(gone.ContactIDs, contacts[i].ID)
	}
	_, err := tx.NewDelete().Table("contacts").Where("tenant_id = ? AND customer_id = ?", gone.TenantID, id).Exec(ctx)
	return gone, err
}

func emptyToNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func samePtr(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
