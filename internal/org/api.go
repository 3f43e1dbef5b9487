package org

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/auth/session"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// Options configure the org routes.
type Options struct {
	Signup  bool
	Session session.Options
}

// Register mounts the org routes.
func Register(api huma.API, s *Service, o Options) {
	registerSignup(api, s, o)
	registerUsers(api, s)
	registerDepartments(api, s)
	registerRoles(api, s)
}

func registerSignup(api huma.API, s *Service, o Options) {
	httpx.Register(api, huma.Operation{
		OperationID: "signup", Method: http.MethodPost, Path: "/api/v1/signup", Tags: []string{"sessions"},
		Summary: "Create a tenant and its first admin", DefaultStatus: http.StatusCreated, Errors: []int{403, 409},
	}, httpx.Public, func(ctx context.Context, in *struct {
		Body struct {
			Company  string `json:"company" minLength:"1" maxLength:"100"`
			Name     string `json:"name" minLength:"1" maxLength:"60"`
			Email    string `json:"email" format:"email" maxLength:"254"`
			Password string `json:"password" minLength:"1" maxLength:"128"`
		}
	}) (*session.SignedIn[User], error) {
		if !o.Signup {
			return nil, apperr.Forbidden("sign-up is switched off on this server")
		}
		actx, f, err := s.CreateTenant(ctx, NewTenant{Company: in.Body.Company, Name: in.Body.Name, Email: in.Body.Email, Password: in.Body.Password})
		if err != nil {
			return nil, err
		}
		is, err := session.Create(ctx, s.DB.Write, f.Tenant.ID, f.Admin.ID)
		if err != nil {
			return nil, err
		}
		u, err := s.GetUser(actx, f.Admin.ID)
		if err != nil {
			return nil, err
		}
		return &session.SignedIn[User]{SetCookie: o.Session.Cookie(is), Body: session.SignedInBody[User]{Issued: is, User: u}}, nil
	})
}

func registerUsers(api huma.API, s *Service) {
	read, write := httpx.Perm("user.read"), httpx.Perm("user.write")
	httpx.Register(api, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/api/v1/users",
		Tags: []string{"users"}, Summary: "List users in my data scope"}, read,
		func(ctx context.Context, in *struct {
			Q            string `query:"q" maxLength:"100" doc:"Matches name, email or phone."`
			DepartmentID string `query:"department_id" format:"uuid"`
			RoleID       string `query:"role_id" format:"uuid"`
			Status       string `query:"status" enum:"active,disabled"`
			Sort         string `query:"sort" enum:"name,-name,created_at,-created_at" default:"name"`
			httpx.PageParams
		}) (*struct{ Body httpx.Page[User] }, error) {
			page, err := s.ListUsers(ctx, UserFilter{Q: in.Q, DepartmentID: in.DepartmentID, RoleID: in.RoleID, Status: in.Status, Sort: in.Sort}, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[User] }{Body: page}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-user", Method: http.MethodPost, Path: "/api/v1/users",
		Tags: []string{"users"}, Summary: "Create a user", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *struct{ Body UserInput }) (*httpx.One[User], error) {
			u, err := s.CreateUser(ctx, in.Body)
			return httpx.Answer(u, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "get-user", Method: http.MethodGet, Path: "/api/v1/users/{id}",
		Tags: []string{"users"}, Summary: "Get a user"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[User], error) {
			u, err := s.GetUser(ctx, in.ID)
			return httpx.Answer(u, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: "/api/v1/users/{id}",
		Tags: []string{"users"}, Summary: "Change, disable or re-enable a user", Errors: []int{409, 412}}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body UserPatch
		}) (*httpx.One[User], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			u, err := s.UpdateUser(ctx, in.ID, v, in.Body)
			return httpx.Answer(u, err)
		})
	audit.RegisterHistory(api, s.DB, "users", "user", read, func(ctx context.Context, id string) error {
		_, err := s.GetUser(ctx, id)
		return err
	})
}

func registerDepartments(api huma.API, s *Service) {
	read, write := httpx.Perm("department.read"), httpx.Perm("department.write")
	httpx.Register(api, huma.Operation{OperationID: "list-departments", Method: http.MethodGet, Path: "/api/v1/departments",
		Tags: []string{"departments"}, Summary: "List departments, parents before children"}, read,
		func(ctx context.Context, in *struct{ httpx.PageParams }) (*struct{ Body httpx.Page[Department] }, error) {
			keys, err := httpx.DecodeCursor(in.Cursor, "path", 1)
			if err != nil {
				return nil, err
			}
			after := ""
			if keys != nil {
				after = keys[0]
			}
			rows, err := s.ListDepartments(ctx, in.Limit, after)
			if err != nil {
				return nil, err
			}
			out := &struct{ Body httpx.Page[Department] }{}
			rows, more := httpx.Trim(rows, in.Limit)
			out.Body.Items = rows
			if more {
				out.Body.NextCursor = httpx.EncodeCursor("path", rows[len(rows)-1].Path)
			}
			return out, nil
		})
	httpx.Register(api, huma.Operation{OperationID: "create-department", Method: http.MethodPost, Path: "/api/v1/departments",
		Tags: []string{"departments"}, Summary: "Create a department", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *struct{ Body DepartmentInput }) (*httpx.One[Department], error) {
			d, err := s.CreateDepartment(ctx, in.Body)
			return httpx.Answer(d, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "get-department", Method: http.MethodGet, Path: "/api/v1/departments/{id}",
		Tags: []string{"departments"}, Summary: "Get a department"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[Department], error) {
			d, err := s.GetDepartment(ctx, in.ID)
			return httpx.Answer(d, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "update-department", Method: http.MethodPatch, Path: "/api/v1/departments/{id}",
		Tags: []string{"departments"}, Summary: "Rename, move or set the manager of a department", Errors: []int{409, 412}}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body DepartmentPatch
		}) (*httpx.One[Department], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			d, err := s.UpdateDepartment(ctx, in.ID, v, in.Body)
			return httpx.Answer(d, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-department", Method: http.MethodDelete, Path: "/api/v1/departments/{id}",
		Tags: []string{"departments"}, Summary: "Delete an empty department", DefaultStatus: http.StatusNoContent, Errors: []int{409}}, write,
		func(ctx context.Context, in *httpx.IDPath) (*struct{}, error) {
			return nil, s.DeleteDepartment(ctx, in.ID)
		})
	audit.RegisterHistory(api, s.DB, "departments", "department", read, func(ctx context.Context, id string) error {
		_, err := s.GetDepartment(ctx, id)
		return err
	})
}

func registerRoles(api huma.API, s *Service) {
	read, write := httpx.Perm("role.read"), httpx.Perm("role.write")
	httpx.Register(api, huma.Operation{OperationID: "list-permissions", Method: http.MethodGet, Path: "/api/v1/permissions",
		Tags: []string{"roles"}, Summary: "The permissions a role can hold"}, read,
		func(ctx context.Context, _ *struct{}) (*struct{ Body httpx.Page[Permission] }, error) {
			out := &struct{ Body httpx.Page[Permission] }{}
			for _, p := range auth.Permissions {
				out.Body.Items = append(out.Body.Items, Permission{Key: p, Group: auth.PermissionGroup(p)})
			}
			return out, nil
		})
	httpx.Register(api, huma.Operation{OperationID: "list-roles", Method: http.MethodGet, Path: "/api/v1/roles",
		Tags: []string{"roles"}, Summary: "List roles"}, read,
		func(ctx context.Context, _ *struct{}) (*struct{ Body httpx.Page[Role] }, error) {
			rows, err := s.ListRoles(ctx)
			return &struct{ Body httpx.Page[Role] }{Body: httpx.Page[Role]{Items: rows}}, err
		})
	httpx.Register(api, huma.Operation{OperationID: "create-role", Method: http.MethodPost, Path: "/api/v1/roles",
		Tags: []string{"roles"}, Summary: "Create a custom role", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *struct{ Body RoleInput }) (*httpx.One[Role], error) {
			r, err := s.CreateRole(ctx, in.Body)
			return httpx.Answer(r, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "get-role", Method: http.MethodGet, Path: "/api/v1/roles/{id}",
		Tags: []string{"roles"}, Summary: "Get a role"}, read,
		func(ctx context.Context, in *httpx.IDPath) (*httpx.One[Role], error) {
			r, err := s.GetRole(ctx, in.ID)
			return httpx.Answer(r, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "update-role", Method: http.MethodPatch, Path: "/api/v1/roles/{id}",
		Tags: []string{"roles"}, Summary: "Change a custom role", Errors: []int{409, 412}}, write,
		func(ctx context.Context, in *struct {
			httpx.IDMatch
			Body RolePatch
		}) (*httpx.One[Role], error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			r, err := s.UpdateRole(ctx, in.ID, v, in.Body)
			return httpx.Answer(r, err)
		})
	httpx.Register(api, huma.Operation{OperationID: "delete-role", Method: http.MethodDelete, Path: "/api/v1/roles/{id}",
		Tags: []string{"roles"}, Summary: "Delete a custom role nobody holds", DefaultStatus: http.StatusNoContent, Errors: []int{409}}, write,
		func(ctx context.Context, in *httpx.IDPath) (*struct{}, error) {
			return nil, s.DeleteRole(ctx, in.ID)
		})
	audit.RegisterHistory(api, s.DB, "roles", "role", read, func(ctx context.Context, id string) error {
		_, err := s.GetRole(ctx, id)
		return err
	})
}

// Permission is one entry of the permission catalog.
type Permission struct {
	Key   string `json:"key"`
	Group string `json:"group"`
}
