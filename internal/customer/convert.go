package customer

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

// ConvertCustomer is the new customer of a conversion. Every field is
// optional: name defaults to the lead's company, industry, region and source
// to the lead's, the owner to the lead's owner (the caller for a lead in a
// pool).
type ConvertCustomer struct {
	Name            string  `json:"name,omitempty" maxLength:"100" doc:"Default: the lead's company."`
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
	KeyCustomer     *bool   `json:"key_customer,omitempty" doc:"A person's decision on the key flag; absent: the scoring model decides."`
	Notes           string  `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
	OwnerID         *string `json:"owner_id,omitempty" format:"uuid" doc:"An active user in your data scope. Default: the lead's owner."`
	AllowDuplicate  bool    `json:"allow_duplicate,omitempty" doc:"Create it even though customers with the same phone, email or name exist (else 409 with them, to choose one as customer_id)."`
}

// ConvertContact is the contact of a conversion; fields left out come from
// the lead (name, title, phone, email, wechat).
type ConvertContact struct {
	Name         string `json:"name,omitempty" maxLength:"60" doc:"Default: the lead's contact name."`
	Title        string `json:"title,omitempty" maxLength:"60"`
	Phone        string `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9０-９+() -]*$" patternDescription:"digits, spaces, +, -, ( and )"`
	Email        string `json:"email,omitempty" maxLength:"254" pattern:"^([^@\\s]+@[^@\\s]+)?$" patternDescription:"an email address"`
	WeChat       string `json:"wechat,omitempty" maxLength:"60"`
	DecisionRole string `json:"decision_role,omitempty" enum:",decision_maker,influencer,user,coach,blocker"`
	Attitude     string `json:"attitude,omitempty" enum:",supportive,neutral,opposed"`
	IsPrimary    *bool  `json:"is_primary,omitempty" doc:"Default: true when the customer has no primary contact yet."`
	Notes        string `json:"notes,omitempty" maxLength:"2000" multiline:"true"`
}

// ConvertOpportunity is the optional opportunity of a conversion, made in
// the new customer's name with the new contact involved.
type ConvertOpportunity struct {
	Name          string       `json:"name,omitempty" maxLength:"100" doc:"Default: the customer's name."`
	Amount        ConvertMoney `json:"amount"`
	ExpectedClose string       `json:"expected_close" format:"date" doc:"YYYY-MM-DD."`
	PipelineID    *string      `json:"pipeline_id,omitempty" format:"uuid" doc:"Absent: the default pipeline."`
}

// ConvertMoney is an amount in minor units (分 for CNY) of a currency.
type ConvertMoney struct {
	Amount   int64  `json:"amount" minimum:"0" maximum:"1000000000000000"`
	Currency string `json:"currency" pattern:"^[A-Z]{3}$" patternDescription:"an ISO 4217 code like CNY"`
}

// ConvertedOpportunity names the opportunity a conversion made.
type ConvertedOpportunity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// NewOpportunity makes a conversion's opportunity inside its transaction;
// the deal feature provides it (it depends on this package, not the other
// way round). owner is the customer's owner.
type NewOpportunity func(ctx context.Context, o ConvertOpportunity, customerID, contactID string, owner *string) (*ConvertedOpportunity, error)

// ConvertInput converts a lead: into a new customer or an existing one
// (exactly one of customer and customer_id), a new contact, and optionally
// an opportunity.
type ConvertInput struct {
	Customer    *ConvertCustomer    `json:"customer,omitempty" doc:"A new customer. Give this or customer_id."`
	CustomerID  string              `json:"customer_id,omitempty" format:"uuid" doc:"An existing customer in your data scope, e.g. one of the lead's duplicate matches. Give this or customer."`
	Contact     *ConvertContact     `json:"contact,omitempty" doc:"The new contact; absent: all from the lead."`
	Opportunity *ConvertOpportunity `json:"opportunity,omitempty" doc:"An opportunity to open for the customer at once; absent: none."`
}

// Conversion is what a lead became.
type Conversion struct {
	Lead     *lead.Lead `json:"lead"`
	Customer *Customer  `json:"customer"`
	Contact  *Contact   `json:"contact"`
	Created  bool       `json:"created" doc:"Whether the customer is new."`
	// Opportunity is absent unless the conversion asked for one.
	Opportunity *ConvertedOpportunity `json:"opportunity,omitempty"`
}

// Convert turns a visible open lead into a customer (new, or an existing one
// in the caller's scope), a contact and optionally an opportunity, and marks
// the lead converted with links to them, all in one transaction with an audit entry for each
// write. Anything refused leaves nothing written.
func (s *Service) Convert(ctx context.Context, leadID string, in ConvertInput) (*Conversion, error) {
	if !auth.From(ctx).Can("customer.write") {
		return nil, apperr.Forbidden("converting a lead creates a customer and a contact: it needs the permission customer.write")
	}
	var out *Conversion
	err := s.DB.InTx(ctx, func(ctx context.Context, _ bun.Tx) error {
		l, err := s.Leads.Get(ctx, leadID)
		if err != nil {
			return err
		}
		switch {
		case in.Customer == nil && in.CustomerID == "":
			return apperr.Invalid("body.customer", "give customer (a new customer) or customer_id (an existing one)")
		case in.Customer != nil && in.CustomerID != "":
			return apperr.Invalid("body.customer_id", "give customer or customer_id, not both")
		}
		if err := lead.CheckConvertible(l); err != nil {
			return err
		}
		out = &Conversion{}
		if in.CustomerID != "" {
			out.Customer, err = s.Get(ctx, in.CustomerID)
			if apperr.Is(err, apperr.KindNotFound) {
				return apperr.Invalid("body.customer_id", "no customer of that id in your data scope")
			}
		} else {
			// Only customers count as duplicates here: the lead itself, and
			// leads of the same company, are what is being converted.
			out.Customer, err = s.create(ctx, customerFromLead(l, in.Customer), lead.MatchOptions{Customers: true},
				"choose one of them as customer_id, or send customer.allow_duplicate: true to create a new customer anyway", &l.ID)
			out.Created = true
			err = within("body.customer.", err)
		}
		if err != nil {
			return err
		}
		ci, err := s.contactFromLead(ctx, l, out.Customer.ID, in.Contact)
		if err != nil {
			return err
		}
		out.Contact, err = s.createContact(ctx, out.Customer, ci)
		if err = within("body.contact.", err); err != nil {
			return err
		}
		// The opportunity comes first so the lead can link to it; a lead
		// changed meanwhile still refuses the whole conversion.
		if err := s.convertOpportunity(ctx, in.Opportunity, out); err != nil {
			return err
		}
		var oppID *string
		if out.Opportunity != nil {
			oppID = &out.Opportunity.ID
		}
		out.Lead, err = s.Leads.MarkConverted(ctx, l.ID, out.Customer.ID, out.Contact.ID, oppID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// convertOpportunity opens the conversion's opportunity, if asked for.
func (s *Service) convertOpportunity(ctx context.Context, o *ConvertOpportunity, out *Conversion) error {
	if o == nil {
		return nil
	}
	if s.NewOpportunity == nil {
		return apperr.Invalid("body.opportunity", "opportunities are not available on this server")
	}
	if strings.TrimSpace(o.Name) == "" {
		o.Name = out.Customer.Name
	}
	var err error
	out.Opportunity, err = s.NewOpportunity(ctx, *o, out.Customer.ID, out.Contact.ID, out.Customer.OwnerID)
	return within("body.opportunity.", err)
}

// customerFromLead fills the new customer's blanks from the lead.
func customerFromLead(l *lead.Lead, c *ConvertCustomer) CustomerInput {
	in := CustomerInput{Name: c.Name, Phone: c.Phone, Email: c.Email, Website: c.Website, Industry: c.Industry, Size: c.Size,
		Region: c.Region, Address: c.Address, Source: c.Source, AnnualRevenue: c.AnnualRevenue,
		RevenueCurrency: c.RevenueCurrency, KeyCustomer: c.KeyCustomer,
		Notes: c.Notes, OwnerID: c.OwnerID, AllowDuplicate: c.AllowDuplicate}
	def := func(v *string, from string) {
		if strings.TrimSpace(*v) == "" {
			*v = from
		}
	}
	if c.Name == "" { // only when left out: a name of blanks stays a 422
		in.Name = l.Company
	}
	def(&in.Industry, l.Industry)
	def(&in.Region, l.Region)
	def(&in.Source, l.Source)
	if in.OwnerID == nil {
		in.OwnerID = l.OwnerID
	}
	return in
}

// contactFromLead fills the new contact's blanks from the lead; it is the
// customer's primary contact unless the customer has one or the caller says.
func (s *Service) contactFromLead(ctx context.Context, l *lead.Lead, customerID string, c *ConvertContact) (ContactInput, error) {
	if c == nil {
		c = &ConvertContact{}
	}
	in := ContactInput{CustomerID: customerID, Name: c.Name, Title: c.Title, Phone: c.Phone, Email: c.Email, WeChat: c.WeChat,
		DecisionRole: c.DecisionRole, Attitude: c.Attitude, Notes: c.Notes}
	if c.Name == "" { // only when left out: a name of blanks stays a 422
		in.Name = l.ContactName
	}
	for _, f := range []struct {
		dst  *string
		from string
	}{{&in.Title, l.Title}, {&in.Phone, l.Phone}, {&in.Email, l.Email}, {&in.WeChat, l.WeChat}} {
		if *f.dst == "" {
			*f.dst = f.from
		}
	}
	if c.IsPrimary != nil {
		in.IsPrimary = *c.IsPrimary
		return in, nil
	}
	n, err := s.DB.R(ctx).NewSelect().Table("contacts").
		Where("tenant_id = ? AND customer_id = ? AND is_primary", auth.From(ctx).TenantID, customerID).Count(ctx)
	in.IsPrimary = n == 0
	return in, err
}

// within moves the field an error names from body.x to prefix+x, so a
// conversion's errors name the part of its body they are about.
func within(prefix string, err error) error {
	if e, ok := apperr.As(err); ok && strings.HasPrefix(e.Field, "body.") {
		moved := *e
		moved.Field = prefix + strings.TrimPrefix(e.Field, "body.")
		return &moved
	}
	return err
}
