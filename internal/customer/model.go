// Package customer holds customers (客户), the companies being sold to, and
// their contacts (联系人) with decision role and attitude; and the conversion
// of a lead into a customer and a contact.
package customer

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/lead"
)

// Customer is one company being sold to.
type Customer struct {
	bun.BaseModel `bun:"table:customers,alias:c"`
	ID            string  `bun:"id,pk" json:"id"`
	TenantID      string  `bun:"tenant_id" json:"-"`
	Name          string  `bun:"name" json:"name"`
	Phone         string  `bun:"phone" json:"phone"`
	Email         string  `bun:"email" json:"email"`
	Website       string  `bun:"website" json:"website"`
	Industry      string  `bun:"industry" json:"industry"`
	Size          string  `bun:"size" json:"size" enum:",micro,small,medium,large,enterprise" doc:"Head count band: micro (<20), small (20–99), medium (100–499), large (500–999), enterprise (1000+); empty when unknown."`
	Region        string  `bun:"region" json:"region"`
	Address       string  `bun:"address" json:"address"`
	Source        string  `bun:"source" json:"source"`
	Grade         *string `bun:"grade" json:"grade" enum:"A,B,C,D"`
	Score         int     `bun:"score" json:"score" minimum:"0" maximum:"100"`
	KeyCustomer   bool    `bun:"key_customer" json:"key_customer" doc:"Effective flag: key_customer_manual when set, else the scoring model's key-customer rule."`
	// KeyCustomerManual is a person's decision on the key flag (PATCH
	// key_customer); nil lets the scoring model decide, which never
	// overrides a decision.
	KeyCustomerManual *bool  `bun:"key_customer_manual" json:"key_customer_manual" doc:"Set by a person through key_customer; null: the scoring model decides."`
	AnnualRevenue     int64  `bun:"annual_revenue" json:"annual_revenue" doc:"Minor units of revenue_currency (分 for CNY); 0 when unknown."`
	RevenueCurrency   string `bun:"revenue_currency" json:"revenue_currency"`
	// The behaviour metrics as of the last scoring, kept by the scoring
	// feature (not fields of the customer's own, so not audited).
	WonAmount     int64      `bun:"won_amount" json:"won_amount" audit:"-" doc:"Won opportunities' amount in the scoring model's currency, as of scored_at."`
	OpenPipeline  int64      `bun:"open_pipeline" json:"open_pipeline" audit:"-" doc:"Open opportunities' weighted amount in the scoring model's currency, as of scored_at."`
	Activities90d int        `bun:"activities_90d" json:"activities_90d" audit:"-" doc:"Done activities in the 90 days before scored_at."`
	ScoredAt      *time.Time `bun:"scored_at" json:"scored_at" audit:"-"`
	OwnerID       *string    `bun:"owner_id" json:"owner_id" doc:"Absent while the customer is in a pool."`
	OwnerName     string     `bun:"owner_name,scanonly" json:"owner_name" audit:"-"`
	DepartmentID  *string    `bun:"department_id" json:"department_id" doc:"The owner's department when the customer was assigned."`
	// A customer is owned or in a customer pool, never both; the pool
	// feature moves it (claim, return), an owner change takes it out.
	PoolID     *string    `bun:"pool_id" json:"pool_id" doc:"The customer pool it sits in; absent while it has an owner."`
	PooledAt   *time.Time `bun:"pooled_at" json:"pooled_at" audit:"-" doc:"When it went into its pool."`
	AssignedAt *time.Time `bun:"assigned_at" json:"assigned_at" audit:"-" doc:"When it last got its owner (claim or assignment); the pool clocks count from it."`
	LeadID     *string    `bun:"lead_id" json:"lead_id" doc:"The lead this customer was converted from."`
	Notes      string     `bun:"notes" json:"notes"`
	// LastActivityAt is kept by activities (when the customer was last
	// followed up); not a field of the customer's own, so not audited.
	LastActivityAt *time.Time `bun:"last_activity_at" json:"last_activity_at" audit:"-" doc:"When the customer was last followed up (a done call, visit, meeting or email)."`
	// Dedupe keys, derived from phone, email and name (as a company name,
	// like a lead's company); not part of the API and not audited.
	PhoneKey   string    `bun:"phone_key" json:"-" audit:"-"`
	EmailKey   string    `bun:"email_key" json:"-" audit:"-"`
	CompanyKey string    `bun:"company_key" json:"-" audit:"-"`
	CreatedBy  string    `bun:"created_by" json:"created_by"`
	CreatedAt  time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt  time.Time `bun:"updated_at" json:"updated_at"`
	Version    int64     `bun:"version" json:"version"`
}

func (c *Customer) setKeys() {
	k := lead.KeysOf(c.Phone, c.Email, c.Name)
	c.PhoneKey, c.EmailKey, c.CompanyKey = k.Phone, k.Email, k.Company
}

// Contact is a person at a customer.
type Contact struct {
	bun.BaseModel `bun:"table:contacts,alias:ct"`
	ID            string  `bun:"id,pk" json:"id"`
	TenantID      string  `bun:"tenant_id" json:"-"`
	CustomerID    string  `bun:"customer_id" json:"customer_id"`
	CustomerName  string  `bun:"customer_name,scanonly" json:"customer_name" audit:"-"`
	Name          string  `bun:"name" json:"name"`
	Title         string  `bun:"title" json:"title"`
	Phone         string  `bun:"phone" json:"phone"`
	Email         string  `bun:"email" json:"email"`
	WeChat        string  `bun:"wechat" json:"wechat"`
	DecisionRole  *string `bun:"decision_role" json:"decision_role" enum:"decision_maker,influencer,user,coach,blocker"`
	Attitude      *string `bun:"attitude" json:"attitude" enum:"supportive,neutral,opposed"`
	IsPrimary     bool    `bun:"is_primary" json:"is_primary" doc:"The customer's main contact; at most one per customer."`
	Notes         string  `bun:"notes" json:"notes"`
	// The customer's owner and department, copied for the data scope and
	// kept in step with the customer; not part of the API.
	OwnerID      *string   `bun:"owner_id" json:"-" audit:"-"`
	DepartmentID *string   `bun:"department_id" json:"-" audit:"-"`
	PhoneKey     string    `bun:"phone_key" json:"-" audit:"-"`
	EmailKey     string    `bun:"email_key" json:"-" audit:"-"`
	CreatedBy    string    `bun:"created_by" json:"created_by"`
	CreatedAt    time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at" json:"updated_at"`
	Version      int64     `bun:"version" json:"version"`
}

func (c *Contact) setKeys() {
	c.PhoneKey, c.EmailKey = lead.PhoneKey(c.Phone), lead.EmailKey(c.Email)
}

// CurrentVersion is the record's version, sent as its ETag.
func (r *Customer) CurrentVersion() int64 { return r.Version }

// CurrentVersion is the record's version, sent as its ETag.
func (r *Contact) CurrentVersion() int64 { return r.Version }
