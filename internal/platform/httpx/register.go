package httpx

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/auth"
)

// Access says who may call an operation. Every operation declares one: the
// registration helper refuses an operation without it, so no route can
// forget its permission check.
type Access struct {
	Perm   string // required permission; "" with Public=false means any signed-in user
	Public bool
}

// Perm requires permission p.
func Perm(p string) Access {
	if !auth.KnownPermission(p) {
		panic("httpx: unknown permission " + p)
	}
	return Access{Perm: p}
}

// Public operations need no sign-in (login, signup, public config).
var Public = Access{Public: true}

// SignedIn operations need a signed-in caller and no particular permission
// (their own profile, their own tokens, logout).
var SignedIn = Access{}

// AccessOf returns the access rule recorded on an operation.
func AccessOf(op *huma.Operation) (Access, bool) {
	a, ok := op.Metadata["access"].(Access)
	return a, ok
}

// Register adds an operation with its access rule. The rule is checked before
// the body is read or validated, so an anonymous caller learns nothing about
// the shape of the input. Strings in the input are checked for control
// characters, and service errors become problem responses.
func Register[I, O any](api huma.API, op huma.Operation, access Access, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata["access"] = access
	if !access.Public {
		op.Security = []map[string][]string{{"session": {}}, {"bearer": {}}}
		op.Errors = append(op.Errors, http.StatusUnauthorized)
		if access.Perm != "" {
			op.Errors = append(op.Errors, http.StatusForbidden)
		}
	}
	op.Middlewares = append(op.Middlewares, func(ctx huma.Context, next func(huma.Context)) {
		if !access.Public {
			p := auth.From(ctx.Context())
			if p == nil {
				_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "sign in first")
				return
			}
			if access.Perm != "" && !p.Can(access.Perm) {
				_ = huma.WriteErr(api, ctx, http.StatusForbidden, "your role lacks the permission "+access.Perm)
				return
			}
		}
		next(ctx)
	})
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		if errs := CheckStrings(in); len(errs) > 0 {
			return nil, huma.Error422UnprocessableEntity("input contains characters that are not allowed", errs...)
		}
		out, err := h(ctx, in)
		if err != nil {
			return nil, ToProblem(ctx, err)
		}
		return out, nil
	})
}
