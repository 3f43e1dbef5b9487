// Package lead holds leads (线索): prospective customers before conversion,
// their owners, their status and the dedupe keys that keep one company from
// being chased twice.
package lead

import (
	"time"

	"github.com/uptrace/bun"
)

// Lead statuses. Open leads move forward new → contacted → qualified; a
// lead ends converted (by conversion) or disqualified.
const (
	StatusNew          = "new"
	StatusContacted    = "contacted"
	StatusQualified    = "qualified"
	StatusConverted    = "converted"
	StatusDisqualified = "disqualified"
)

// Lead is one prospective customer.
type Lead struct {
	bun.BaseModel    `bun:"table:leads,alias:l"`
	ID               string     `bun:"id,pk" json:"id"`
	TenantID         string     `bun:"tenant_id" json:"-"`
	ContactName      string     `bun:"contact_name" json:"contact_name"`
	Company          string     `bun:"company" json:"company"`
	Title            string     `bun:"title" json:"title"`
	Phone            string     `bun:"phone" json:"phone"`
	Email            string     `bun:"email" json:"email"`
	WeChat           string     `bun:"wechat" json:"wechat"`
	Source           string     `bun:"source" json:"source"`
	Region           string     `bun:"region" json:"region"`
	Industry         string     `bun:"industry" json:"industry"`
	Status           string     `bun:"status" json:"status" enum:"new,contacted,qualified,converted,disqualified"`
	DisqualifyReason string     `bun:"disqualify_reason" json:"disqualify_reason"`
	OwnerID          *string    `bun:"owner_id" json:"owner_id" doc:"Absent while the lead is in a pool."`
	OwnerName        string     `bun:"owner_name,scanonly" json:"owner_name" audit:"-"`
	DepartmentID     *string    `bun:"department_id" json:"department_id" doc:"The owner's department when the lead was assigned; the pool's department while it is in a pool."`
	PoolID           *string    `bun:"pool_id" json:"pool_id" doc:"The pool (公海) the lead sits in; absent while it has an owner."`
	PooledAt         *time.Time `bun:"pooled_at" json:"pooled_at" audit:"-" doc:"When the lead went into its pool."`
	AssignedAt       *time.Time `bun:"assigned_at" json:"assigned_at" audit:"-" doc:"When the current owner got the lead; the pool clocks count from it."`
	LastFollowUpAt   *time.Time `bun:"last_follow_up_at" json:"last_follow_up_at" doc:"The latest recorded follow-up (a done call, visit, meeting or email); the pool clock. Set by activities only."`
	NextFollowUpAt   *time.Time `bun:"next_follow_up_at" json:"next_follow_up_at"`
	Score            int        `bun:"score" json:"score" minimum:"0" maximum:"100"`
	Notes            string     `bun:"notes" json:"notes"`
	// What the lead became: set by conversion only, never by a patch.
	ConvertedCustomerID    *string    `bun:"converted_customer_id" json:"converted_customer_id" doc:"The customer the lead was converted into."`
	ConvertedContactID     *string    `bun:"converted_contact_id" json:"converted_contact_id" doc:"The contact the lead was converted into."`
	ConvertedOpportunityID *string    `bun:"converted_opportunity_id" json:"converted_opportunity_id" doc:"The opportunity its conversion opened; absent when it opened none (or the opportunity was deleted since)."`
	ConvertedAt            *time.Time `bun:"converted_at" json:"converted_at"`
	// A merged lead is kept for its history; set by a merge only.
	MergedIntoID *string    `bun:"merged_into_id" json:"merged_into_id" doc:"The lead this one was merged into; a merged lead is disqualified and out of lists and duplicate checks."`
	MergedAt     *time.Time `bun:"merged_at" json:"merged_at" audit:"-"`
	// Set by an import for the leads it creates only.
	ImportID *string `bun:"import_id" json:"import_id" audit:"-" doc:"The import that created the lead; absent for leads made otherwise."`
	// The dedupe keys are derived from phone, email and company; they are not
	// part of the API and not audited (the fields they come from are).
	PhoneKey   string    `bun:"phone_key" json:"-" audit:"-"`
	EmailKey   string    `bun:"email_key" json:"-" audit:"-"`
	CompanyKey string    `bun:"company_key" json:"-" audit:"-"`
	CreatedBy  string    `bun:"created_by" json:"created_by"`
	CreatedAt  time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt  time.Time `bun:"updated_at" json:"updated_at"`
	Version    int64     `bun:"version" json:"version"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (l *Lead) CurrentVersion() int64 { return l.Version }

// setKeys recomputes the dedupe keys from the fields they come from.
func (l *Lead) setKeys() {
	l.PhoneKey, l.EmailKey, l.CompanyKey = PhoneKey(l.Phone), EmailKey(l.Email), CompanyKey(l.Company)
}

// Match kinds: what a duplicate match is.
const (
	KindLead     = "lead"
	KindCustomer = "customer"
)

// Match is an existing lead or customer that shares a dedupe key with the
// record being entered. A match outside the caller's data scope carries
// only its kind, id, what matched and visible=false: the caller learns the
// record exists and belongs to someone else, never whose it is or how to
// reach the contact. A customer matches on its own phone, email and name
// (as company) and on the phone and email of its contacts; its name is
// given as company.
type Match struct {
	Kind        string   `json:"kind" enum:"lead,customer"`
	ID          string   `json:"id"`
	Visible     bool     `json:"visible" doc:"False when the record is outside your data scope: only kind, id and matched_on are given."`
	MatchedOn   []string `json:"matched_on" nullable:"false" doc:"Which keys matched: phone, email, company."`
	ContactName string   `json:"contact_name,omitempty"`
	Company     string   `json:"company,omitempty" doc:"A lead's company, or a customer's name."`
	Phone       string   `json:"phone,omitempty"`
	Status      string   `json:"status,omitempty" doc:"A lead's status."`
	OwnerID     *string  `json:"owner_id,omitempty"`
	OwnerName   string   `json:"owner_name,omitempty"`
}
