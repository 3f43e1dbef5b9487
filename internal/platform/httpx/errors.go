package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

// ToProblem turns a service error into a problem response. Anything that is
// not a domain or huma error is logged and answered 500 without its text, so
// internals never leak.
func ToProblem(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	if e, ok := apperr.As(err); ok {
		var details []error
		if e.Field != "" {
			details = append(details, &huma.ErrorDetail{Message: e.Message, Location: e.Field, Value: e.Value})
		}
		switch e.Kind {
		case apperr.KindNotFound:
			return huma.Error404NotFound(e.Message)
		case apperr.KindInvalid:
			return huma.Error422UnprocessableEntity(e.Error(), details...)
		case apperr.KindConflict:
			return huma.Error409Conflict(e.Message, details...)
		case apperr.KindStale:
			return huma.Error412PreconditionFailed(e.Message, details...)
		case apperr.KindForbidden:
			return huma.Error403Forbidden(e.Message)
		case apperr.KindTooMany:
			return huma.NewError(http.StatusTooManyRequests, e.Message)
		}
	}
	if errors.Is(err, context.Canceled) {
		return huma.NewError(499, "request canceled")
	}
	slog.ErrorContext(ctx, "unexpected error", "err", err, "request_id", RequestID(ctx))
	return huma.Error500InternalServerError("internal error; quote request id " + RequestID(ctx))
}
