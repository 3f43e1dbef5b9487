// Package org holds tenants, the department tree, users and roles: who works
// where, who reports to whom and what each may do.
package org

import (
	"time"

	"github.com/uptrace/bun"
)

// User statuses.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// Tenant is one customer company of Rudder.
type Tenant struct {
	bun.BaseModel `bun:"table:tenants"`
	ID            string    `bun:"id,pk" json:"id"`
	Name          string    `bun:"name" json:"name"`
	Demo          bool      `bun:"demo" json:"demo"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at" json:"updated_at"`
	Version       int64     `bun:"version" json:"version"`
}

// Department is a node of the org chart.
type Department struct {
	bun.BaseModel `bun:"table:departments,alias:d"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	ParentID      *string   `bun:"parent_id" json:"parent_id"`
	Path          string    `bun:"path" json:"-" audit:"-"`
	Name          string    `bun:"name" json:"name"`
	ManagerID     *string   `bun:"manager_id" json:"manager_id"`
	ManagerName   string    `bun:"manager_name,scanonly" json:"manager_name" audit:"-"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at" json:"updated_at"`
	Version       int64     `bun:"version" json:"version"`
}

// User is a person who signs in to Rudder.
type User struct {
	bun.BaseModel  `bun:"table:users,alias:u"`
	ID             string    `bun:"id,pk" json:"id"`
	TenantID       string    `bun:"tenant_id" json:"-"`
	Email          string    `bun:"email" json:"email"`
	Name           string    `bun:"name" json:"name"`
	Phone          string    `bun:"phone" json:"phone"`
	PasswordHash   string    `bun:"password_hash" json:"-" audit:"-"`
	DepartmentID   *string   `bun:"department_id" json:"department_id"`
	DepartmentName string    `bun:"department_name,scanonly" json:"department_name" audit:"-"`
	RoleID         string    `bun:"role_id" json:"role_id"`
	RoleName       string    `bun:"role_name,scanonly" json:"role_name" audit:"-"`
	ManagerID      *string   `bun:"manager_id" json:"manager_id"`
	ManagerName    string    `bun:"manager_name,scanonly" json:"manager_name" audit:"-"`
	Status         string    `bun:"status" json:"status" enum:"active,disabled"`
	CreatedAt      time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at" json:"updated_at"`
	Version        int64     `bun:"version" json:"version"`
}

// Role is a permission set with a data scope.
type Role struct {
	bun.BaseModel `bun:"table:roles,alias:r"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	Key           *string   `bun:"key" json:"key"`
	Name          string    `bun:"name" json:"name"`
	Builtin       bool      `bun:"builtin" json:"builtin"`
	Permissions   []string  `bun:"permissions,type:text" json:"permissions" nullable:"false"`
	DataScope     string    `bun:"data_scope" json:"data_scope" enum:"own,department,all"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at" json:"updated_at"`
	Version       int64     `bun:"version" json:"version"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (u *User) CurrentVersion() int64 { return u.Version }

// CurrentVersion is the record's version, sent as its ETag.
func (d *Department) CurrentVersion() int64 { return d.Version }

// CurrentVersion is the record's version, sent as its ETag.
func (r *Role) CurrentVersion() int64 { return r.Version }
