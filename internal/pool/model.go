// Package pool holds the public pools (公海) of leads: per-department pools
// with members who may claim the leads in them, returns (by hand and by the
// periodic job), and the history of every change of a lead's owner or pool.
//
// Ownership rule: a lead is either owned (owner_id) or in a pool (pool_id),
// never both; a CHECK on leads enforces it. While a lead sits in a pool its
// department_id is the pool's department, so the department data scope
// applies to pooled leads as to owned ones: a manager sees the pooled leads
// of their departments in the lead list; a rep (own scope) does not, and
// reaches a pool's leads only as a member, through GET /pools/{id}/leads,
// which leaves out the contact details (phone, email, WeChat) until the lead
// is claimed.
//
// Customer pools (switched off per tenant by default) are pools of kind
// "customer" in the same table, with the same rules over customers: see
// customer_pool.go.
package pool

import (
	"time"

	"github.com/uptrace/bun"
)

// PoolEvent kinds.
const (
	KindClaim      = "claim"
	KindReturn     = "return"
	KindAutoReturn = "auto_return"
	KindAssign     = "assign"
)

// OpenStatuses are the statuses of a lead that is still being worked.
var OpenStatuses = []string{"new", "contacted", "qualified"}

// Pool is a department's public pool of leads.
type Pool struct {
	bun.BaseModel  `bun:"table:pools,alias:p"`
	ID             string `bun:"id,pk" json:"id"`
	TenantID       string `bun:"tenant_id" json:"-"`
	DepartmentID   string `bun:"department_id" json:"department_id"`
	DepartmentName string `bun:"department_name,scanonly" json:"department_name" audit:"-"`
	Name           string `bun:"name" json:"name"`
	Kind           string `bun:"kind" json:"kind" enum:"lead,customer" doc:"What the pool holds: leads, or customers (customer pools are switched off until the tenant setting customer_pools_enabled is on)."`
	ClaimLimit     int    `bun:"claim_limit" json:"claim_limit" doc:"A member may claim while they hold fewer open leads (new, contacted, qualified; all of their open leads, however they got them) than this; 0: no limit."`
	// The pool clocks: an owned lead of the pool's department goes back to
	// the pool when it has had no follow-up for N days (counted from its last
	// follow-up, or from its assignment when never followed up), or has not
	// converted M days after its assignment. 0 switches a clock off.
	ReturnAfterDaysNoFollowUp   int       `bun:"return_after_days_no_follow_up" json:"return_after_days_no_follow_up" doc:"N: return a lead with no follow-up for N days; 0: never."`
	ReturnAfterDaysNoConversion int       `bun:"return_after_days_no_conversion" json:"return_after_days_no_conversion" doc:"M: return a lead not converted M days after its assignment; 0: never."`
	ReclaimCooldownDays         int       `bun:"reclaim_cooldown_days" json:"reclaim_cooldown_days" doc:"K: a rep cannot claim a lead again for K days after it was returned from them."`
	Enabled                     bool      `bun:"enabled" json:"enabled"`
	MemberIDs                   []string  `bun:"-" json:"member_ids" nullable:"false" doc:"Users who may claim this pool's leads."`
	CreatedAt                   time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt                   time.Time `bun:"updated_at" json:"updated_at"`
	Version                     int64     `bun:"version" json:"version"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (p *Pool) CurrentVersion() int64 { return p.Version }

type member struct {
	bun.BaseModel `bun:"table:pool_members"`
	PoolID        string `bun:"pool_id,pk"`
	UserID        string `bun:"user_id,pk"`
	TenantID      string `bun:"tenant_id"`
}

// PoolEvent is one change of a lead's owner or pool.
type PoolEvent struct {
	bun.BaseModel `bun:"table:lead_pool_events,alias:e"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	LeadID        string    `bun:"lead_id" json:"lead_id"`
	PoolID        *string   `bun:"pool_id" json:"pool_id" doc:"The pool the lead came from (claim, assign) or went to (return, auto_return)."`
	Kind          string    `bun:"kind" json:"kind" enum:"claim,return,auto_return,assign"`
	UserID        *string   `bun:"user_id" json:"user_id" doc:"The new owner of a claim or assign, the previous owner of a return."`
	ActorID       string    `bun:"actor_id" json:"actor_id" doc:"Who did it; \"system\" for the automatic return."`
	Reason        string    `bun:"reason" json:"reason"`
	At            time.Time `bun:"at" json:"at"`
	// Names for a person reading the history; "" when gone (or the system).
	ActorName string `bun:"actor_name,scanonly" json:"actor_name"`
	UserName  string `bun:"user_name,scanonly" json:"user_name"`
	PoolName  string `bun:"pool_name,scanonly" json:"pool_name"`
}

// PoolLead is a pooled lead as its pool's members see it before claiming: no
// contact details.
type PoolLead struct {
	bun.BaseModel  `bun:"table:leads,alias:l"`
	ID             string     `bun:"id" json:"id"`
	ContactName    string     `bun:"contact_name" json:"contact_name"`
	Company        string     `bun:"company" json:"company"`
	Title          string     `bun:"title" json:"title"`
	Source         string     `bun:"source" json:"source"`
	Region         string     `bun:"region" json:"region"`
	Industry       string     `bun:"industry" json:"industry"`
	Status         string     `bun:"status" json:"status"`
	Score          int        `bun:"score" json:"score"`
	PoolID         *string    `bun:"pool_id" json:"pool_id"`
	PooledAt       *time.Time `bun:"pooled_at" json:"pooled_at"`
	LastFollowUpAt *time.Time `bun:"last_follow_up_at" json:"last_follow_up_at"`
	CreatedAt      time.Time  `bun:"created_at" json:"created_at"`
	Version        int64      `bun:"version" json:"version"`
}

// Ownership is where a lead is after a claim, return or assignment.
type Ownership struct {
	LeadID       string  `json:"lead_id"`
	OwnerID      *string `json:"owner_id"`
	PoolID       *string `json:"pool_id"`
	DepartmentID *string `json:"department_id"`
	Version      int64   `json:"version" doc:"The lead's new version."`
}
