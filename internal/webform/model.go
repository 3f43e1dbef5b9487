// Package webform holds web-to-lead forms: a public page per form at
// /f/{token} that a tenant links to or posts to from its own website. A
// submission becomes a lead in the form's pool, routed from there by the
// assignment rules when the form says so, exactly as the API would land it,
// with the audit trail naming the form.
package webform

import (
	"time"

	"github.com/uptrace/bun"
)

// Targets: how a submitted lead lands.
const (
	TargetRules = "rules"
	TargetPool  = "pool"
)

// WebForm is one public lead-capture form of a tenant.
type WebForm struct {
	bun.BaseModel    `bun:"table:web_forms,alias:wf"`
	ID               string    `bun:"id,pk" json:"id"`
	TenantID         string    `bun:"tenant_id" json:"-"`
	Name             string    `bun:"name" json:"name"`
	Enabled          bool      `bun:"enabled" json:"enabled"`
	Target           string    `bun:"target" json:"target" enum:"rules,pool"`
	PoolID           string    `bun:"pool_id" json:"pool_id" doc:"Where a submitted lead lands; with target rules, the assignment rules route it from there as they route any lead (no rule: the nearest pool of the department, normally this one)."`
	DefaultSource    string    `bun:"default_source" json:"default_source"`
	DefaultIndustry  string    `bun:"default_industry" json:"default_industry"`
	DefaultRegion    string    `bun:"default_region" json:"default_region"`
	RateLimitPerHour int       `bun:"rate_limit_per_hour" json:"rate_limit_per_hour"`
	Token            string    `bun:"token" json:"token" audit:"-" doc:"The public secret in the form's link /f/{token}."`
	Path             string    `bun:"-" json:"path" audit:"-" doc:"The form's public page, /f/{token}."`
	Submissions      int64     `bun:"submissions" json:"submissions" audit:"-"`
	SpamBlocked      int64     `bun:"spam_blocked" json:"spam_blocked" audit:"-" doc:"Submissions that filled the hidden honeypot field: refused with 422, stored nowhere."`
	CreatedBy        string    `bun:"created_by" json:"created_by"`
	CreatedAt        time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at" json:"updated_at"`
	Version          int64     `bun:"version" json:"version"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (f *WebForm) CurrentVersion() int64 { return f.Version }

// WebFormSubmission is a lead a form created.
type WebFormSubmission struct {
	bun.BaseModel `bun:"table:web_form_submissions,alias:ws"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	FormID        string    `bun:"form_id" json:"form_id"`
	LeadID        string    `bun:"lead_id" json:"lead_id"`
	Duplicates    int       `bun:"duplicates" json:"duplicates" doc:"Existing leads or customers sharing a phone, email or company with the lead when it came in."`
	IP            string    `bun:"ip" json:"ip"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	// The lead as it is now, so the list reads without a request per row;
	// empty when the lead was deleted or is outside the caller's data scope.
	LeadVisible bool   `bun:"lead_visible,scanonly" json:"lead_visible" doc:"The lead exists and is in your data scope; contact_name, company and phone are empty otherwise."`
	ContactName string `bun:"contact_name,scanonly" json:"contact_name"`
	Company     string `bun:"company,scanonly" json:"company"`
	Phone       string `bun:"phone,scanonly" json:"phone"`
}
