package customer

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// FilterParams are the customer list's filters, shared by the list and
// its export (exported: huma fills the fields of exported embedded structs only).
type FilterParams struct {
	Q           string `query:"q" maxLength:"100" doc:"Matches name, phone, email or website as a substring; a whole mobile number or e-mail address matches the customer's or one of its contacts', however either is written."`
	OwnerID     string `query:"owner_id" format:"uuid"`
	PoolID      string `query:"pool_id" format:"uuid" doc:"Only the customers in this customer pool (within your data scope)."`
	Industry    string `query:"industry" maxLength:"40"`
	Region      string `query:"region" maxLength:"40"`
	Grade       string `query:"grade" enum:"A,B,C,D"`
	KeyCustomer string `query:"key_customer" enum:"true,false"`
	WonMin      int64  `query:"won_min" minimum:"0" doc:"Scored won amount at least this (minor units); with won_max, the customer matrix's drill-down."`
	WonMax      int64  `query:"won_max" minimum:"-1" default:"-1" doc:"Scored won amount at most this; -1: no bound."`
	PipelineMin int64  `query:"pipeline_min" minimum:"0" doc:"Scored open weighted pipeline at least this (minor units)."`
	PipelineMax int64  `query:"pipeline_max" minimum:"-1" default:"-1" doc:"Scored open weighted pipeline at most this; -1: no bound."`
	Sort        string `query:"sort" enum:"created_at,-created_at,name,-name" default:"-created_at"`
}

func (in *FilterParams) filter() Filter {
	f := Filter{Q: in.Q, OwnerID: in.OwnerID, PoolID: in.PoolID, Industry: in.Industry, Region: in.Region, Grade: in.Grade, Sort: in.Sort}
	if in.KeyCustomer != "" {
		k := in.KeyCustomer == "true"
		f.KeyCustomer = &k
	}
	f.WonMin, f.WonMax, f.PipelineMin, f.PipelineMax = bound(in.WonMin, 0), bound(in.WonMax, -1),
		bound(in.PipelineMin, 0), bound(in.PipelineMax, -1)
	return f
}

type listInput struct {
	FilterParams
	httpx.PageParams
}

type contactListInput struct {
	Q            string `query:"q" maxLength:"100" doc:"Matches name, phone, email or title as a substring; a whole mobile number or e-mail address matches the contact's, however either is written."`
	CustomerID   string `query:"customer_id" format:"uuid"`
	DecisionRole string `query:"decision_role" enum:"decision_maker,influencer,user,coach,blocker"`
	Sort         string `query:"sort" enum:"created_at,-created_at,name,-name" default:"-created_at"`
	httpx.PageParams
}

// customerField names the input field of a dedupe key in a customer body.
func customerField(prefix string) func(string) string {
	return func(key string) string {
		if key == "company" {
			return prefix + "name"
		}
		return prefix + key
	}
}

// Register mounts the customer, contact and lead-conversion routes.
func Register(api huma.API, s *Service) {
	registerCustomers(api, s)
	registerExport(api, s)
	registerContacts(api, s)
	registerConvert(api, s)
}

func registerCustomers(api huma.API, s *Service) {
	read, write := httpx.Perm("customer.read"), httpx.Perm("customer.write")
	httpx.Register(api, huma.Operation{OperationID: "list-customers", Method: http.MethodGet, Path: "/api/v1/customers",
		Tags: []string{"customers"}, Summary: "List customers in my data scope"}, read,
		func(ctx context.Context, in *listInput) (*struct{ Body httpx.Page[Customer] }, error) {
			page, err := s.List(ctx, in.filter(), in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Customer] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-customer", Method: http.MethodPost, Path: "/api/v1/customers",
		Tags: []string{"customers"}, Summary: "Create a customer", DefaultStatus: http.StatusCreated,
		Description: "Refused with 409 and the matches when a customer or lead of the tenant has the same phone, " +
			"email or company name (after normalization), unless allow_duplicate is true.",
		Responses: lead.DuplicateResponses(api),
	}, write, func(ctx context.Context, in *struct{ Body CustomerInput }) (*httpx.One[Customer], error) {
		c, err := s.Create(ctx, in.Body)
		if dup := (*lead.DuplicatesError)(nil); errors.As(err, &dup) {
			return nil, lead.NewDuplicateProblem(dup, customerField("body."))
		}
		return httpx.Answer(c, err)
	})
	httpx.Register(api, huma.Operation{OperationID: "get-customer", Method: http.MethodGet, Path: "/api/v1/customers/{id}",
		Tags: []string{"customers"}, Summary: "Get a customer"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[Customer], error) {
			return httpx.Answer(s.Get(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-customer", Method: http.MethodPatch, Path: "/api/v1/customers/{id}",
		Tags: []string{"customers"}, Summary: "Change a customer or hand it over", Errors: []int{412}}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body CustomerPatch
		}) (*httpx.One[Customer], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.Update(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-customer", Method: http.MethodDelete, Path: "/api/v1/customers/{id}",
		Tags: []string{"customers"}, Summary: "Delete a customer with its contacts, activities and attachments", DefaultStatus: http.StatusNoContent,
		Errors: []int{409, 412},
		Description: "Takes If-Match like an update. The contacts, the activities on the customer and its contacts (and " +
			"their inbox reminders) and their attachments go with the customer, each with its own audit entry, in one " +
			"transaction; the attachments' files are removed after it. A customer a lead was converted into, or one " +
			"with opportunities, is kept: 409 saying which."}, write,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
	httpx.Register(api, huma.Operation{OperationID: "list-customer-contacts", Method: http.MethodGet,
		Path: "/api/v1/customers/{id}/contacts", Tags: []string{"customers"}, Summary: "The contacts of a customer"}, read,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" format:"uuid" doc:"Customer id."`
			Sort string `query:"sort" enum:"created_at,-created_at,name,-name" default:"created_at"`
			httpx.PageParams
		}) (*struct{ Body httpx.Page[Contact] }, error) {
			if _, err := s.Get(ctx, in.ID); err != nil {
				return nil, err
			}
			page, err := s.ListContacts(ctx, ContactFilter{CustomerID: in.ID, Sort: in.Sort}, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Contact] }{Body: page}, err
		})
	audit.RegisterHistory(api, s.DB, "customers", "customer", read, func(ctx context.Context, id string) error {
		_, err := s.Get(ctx, id)
		return err
	})
}

func registerContacts(api huma.API, s *Service) {
	read, write := httpx.Perm("customer.read"), httpx.Perm("customer.write")
	httpx.Register(api, huma.Operation{OperationID: "list-contacts", Method: http.MethodGet, Path: "/api/v1/contacts",
		Tags: []string{"contacts"}, Summary: "List contacts of the customers in my data scope"}, read,
		func(ctx context.Context, in *contactListInput) (*struct{ Body httpx.Page[Contact] }, error) {
			page, err := s.ListContacts(ctx, ContactFilter{Q: in.Q, CustomerID: in.CustomerID, DecisionRole: in.DecisionRole,
				Sort: in.Sort}, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Contact] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-contact", Method: http.MethodPost, Path: "/api/v1/contacts",
		Tags: []string{"contacts"}, Summary: "Add a contact to a customer", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *struct{ Body ContactInput }) (*httpx.One[Contact], error) {
			return httpx.Answer(s.CreateContact(ctx, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "get-contact", Method: http.MethodGet, Path: "/api/v1/contacts/{id}",
		Tags: []string{"contacts"}, Summary: "Get a contact"}, read,
		func(ctx context.Context, in *struct {
			ID string `path:"id" format:"uuid" doc:"Contact id."`
		}) (*httpx.One[Contact], error) {
			return httpx.Answer(s.GetContact(ctx, in.ID))
		})
	httpx.Register(api, huma.Operation{OperationID: "update-contact", Method: http.MethodPatch, Path: "/api/v1/contacts/{id}",
		Tags: []string{"contacts"}, Summary: "Change a contact", Errors: []int{412}}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body ContactPatch
		}) (*httpx.One[Contact], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return httpx.Answer(s.UpdateContact(ctx, in.ID, v, in.Body))
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-contact", Method: http.MethodDelete, Path: "/api/v1/contacts/{id}",
		Tags: []string{"contacts"}, Summary: "Delete a contact", DefaultStatus: http.StatusNoContent, Errors: []int{409, 412},
		Description: "Takes If-Match like an update. The activities on the contact (and their inbox reminders) and its " +
			"attachments go with it, each with its own audit entry; the attachments' files are removed after the commit. " +
			"A contact a lead was converted into, or one taking part in opportunities, is kept: 409."}, write,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.DeleteContact(ctx, in.ID, v)
		})
	audit.RegisterHistory(api, s.DB, "contacts", "contact", read, func(ctx context.Context, id string) error {
		_, err := s.GetContact(ctx, id)
		return err
	})
}

func registerConvert(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "convert-lead", Method: http.MethodPost, Path: "/api/v1/leads/{id}/convert",
		Tags: []string{"leads"}, Summary: "Convert a lead into a customer and a contact", DefaultStatus: http.StatusCreated,
		Errors: []int{409},
		Description: "In one transaction: creates the customer (customer) or takes an existing one in your data scope " +
			"(customer_id, e.g. one of the lead's duplicate matches), creates the contact, opens an opportunity when " +
			"opportunity is given (for the customer, with the new contact involved), and marks the lead converted with " +
			"links to them (converted_customer_id, converted_contact_id, converted_opportunity_id). Fields left out " +
			"come from the lead. A new customer matching existing customers is refused with 409 and the matches " +
			"unless customer.allow_duplicate is true. A converted or disqualified lead is refused with 409. A bad " +
			"field anywhere refuses the whole conversion. Needs customer.write too.",
		Responses: lead.DuplicateResponses(api),
	}, httpx.Perm("lead.write"), func(ctx context.Context, in *struct {
		ID   string `path:"id" format:"uuid" doc:"Lead id."`
		Body ConvertInput
	}) (*struct{ Body *Conversion }, error) {
		out, err := s.Convert(ctx, in.ID, in.Body)
		if dup := (*lead.DuplicatesError)(nil); errors.As(err, &dup) {
			return nil, lead.NewDuplicateProblem(dup, customerField("body.customer."))
		}
		if err != nil {
			return nil, err
		}
		return &struct{ Body *Conversion }{Body: out}, nil
	})
}

// bound is a range bound from a query parameter; none (nil) at its default.
func bound(v, none int64) *int64 {
	if v == none {
		return nil
	}
	return &v
}
