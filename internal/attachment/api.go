package attachment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// AttachmentForm is the multipart upload.
type AttachmentForm struct {
	File       huma.FormFile `form:"file" contentType:"application/octet-stream" required:"false" doc:"The file, at most 20 MiB. Its type is sniffed from its content: PDF, PNG, JPEG, GIF, WebP, .docx/.xlsx/.pptx, plain text or CSV."`
	ObjectType string        `form:"object_type" required:"false" doc:"customer, lead, opportunity or contact."`
	ObjectID   string        `form:"object_id" required:"false" doc:"The record the file is attached to, in your data scope."`
}

// AttachmentUploadInput is the upload request.
type AttachmentUploadInput struct {
	RawBody huma.MultipartFormFiles[AttachmentForm]
}

// AttachmentListInput filters the attachment list.
type AttachmentListInput struct {
	ObjectType string `query:"object_type" enum:"customer,lead,opportunity,contact" doc:"With object_id: the attachments of one record."`
	ObjectID   string `query:"object_id" format:"uuid"`
	httpx.PageParams
}

// AttachmentIDPath names an attachment.
type AttachmentIDPath struct {
	ID string `path:"id" format:"uuid" doc:"Attachment id."`
}

// uploadLimit: the file plus the multipart envelope and form fields.
const uploadLimit = MaxFileBytes + 1<<20

// Register adds the attachment operations. Access to an attachment is its
// parent's: the parent type's read (list, download) or write (upload,
// delete) permission and the parent record in the caller's data scope, so
// the operations are open to any signed-in user and the service decides.
func Register(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "upload-attachment", Method: http.MethodPost, Path: "/api/v1/attachments",
		Tags: []string{"attachments"}, Summary: "Attach a file to a customer, lead, opportunity or contact",
		Description: "multipart/form-data with file, object_type and object_id. Needs the write permission of the record's " +
			"type and the record in your data scope. Files over 20 MiB are refused with 413; a content that is not of an " +
			"accepted type (" + Accepted + ") with 415 naming body.file — HTML, SVG and executables never are.",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: uploadLimit,
		Errors:      []int{http.StatusForbidden, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity},
		Middlewares: huma.Middlewares{limitUpload(api)}}, httpx.SignedIn,
		func(ctx context.Context, in *AttachmentUploadInput) (*httpx.One[Attachment], error) {
			form := in.RawBody.Data()
			f := form.File
			if !f.IsSet || f.File == nil {
				return nil, huma.Error422UnprocessableEntity("send the file as the multipart field file",
					&huma.ErrorDetail{Location: "body.file", Message: "is required"})
			}
			defer f.Close()
			if f.Size > MaxFileBytes {
				return nil, tooLarge(f.Size)
			}
			a, err := s.Create(ctx, Upload{ObjectType: strings.TrimSpace(form.ObjectType), ObjectID: strings.TrimSpace(form.ObjectID),
				FileName: f.Filename, Size: f.Size, File: f.File})
			return httpx.Answer(a, uploadProblem(err, f.Size))
		})
	httpx.Register(api, huma.Operation{OperationID: "list-attachments", Method: http.MethodGet, Path: "/api/v1/attachments",
		Tags: []string{"attachments"}, Summary: "List attachments, of one record or of all I can see",
		Description: "Newest first. With object_type and object_id: that record's files (the type's read permission and " +
			"the record in your data scope are needed). Without: the files of every record you can see."}, httpx.SignedIn,
		func(ctx context.Context, in *AttachmentListInput) (*struct{ Body httpx.Page[Attachment] }, error) {
			page, err := s.List(ctx, in.ObjectType, in.ObjectID, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[Attachment] }{Body: page}, err
		})
	registerContent(api, s)
	httpx.Register(api, huma.Operation{OperationID: "delete-attachment", Method: http.MethodDelete, Path: "/api/v1/attachments/{id}",
		Tags: []string{"attachments"}, Summary: "Delete an attachment", DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusForbidden, http.StatusPreconditionFailed}, Description: "Needs the write permission of " +
			"the record's type; If-Match is the attachment's version (attachments are never changed: \"1\")."}, httpx.SignedIn,
		func(ctx context.Context, in *httpx.IDMatch) (*struct{}, error) {
			v, err := httpx.ParseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, s.Delete(ctx, in.ID, v)
		})
}

func registerContent(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "download-attachment", Method: http.MethodGet, Path: "/api/v1/attachments/{id}/content",
		Tags: []string{"attachments"}, Summary: "Download an attachment",
		Description: "Always as a download (Content-Disposition: attachment, with the file name in RFC 5987 form), with the " +
			"sniffed Content-Type and X-Content-Type-Options: nosniff, so no file is ever rendered by the browser on our origin.",
		Responses: map[string]*huma.Response{"200": {Description: "The file",
			Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		httpx.SignedIn, func(ctx context.Context, in *AttachmentIDPath) (*huma.StreamResponse, error) {
			a, r, err := s.Open(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				defer r.Close()
				hctx.SetHeader("Content-Type", a.ContentType)
				hctx.SetHeader("Content-Disposition", Disposition(a.FileName))
				hctx.SetHeader("Content-Length", strconv.FormatInt(a.Size, 10))
				hctx.SetHeader("X-Content-Type-Options", "nosniff")
				hctx.SetHeader("Content-Security-Policy", "default-src 'none'; sandbox")
				hctx.SetHeader("ETag", httpx.ETag(a.Version))
				hctx.SetStatus(http.StatusOK)
				if _, err := io.Copy(hctx.BodyWriter(), r); err != nil && s.Log != nil {
					s.Log.WarnContext(ctx, "attachment download cut short", "attachment_id", a.ID, "err", err)
				}
			}}, nil
		})
}

// Disposition is the Content-Disposition of a download: an ASCII fallback
// name for old clients, and the real name as RFC 5987 UTF-8 (filename*),
// which every current browser prefers.
func Disposition(name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes everything but RFC 5987 attr-chars.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// uploadProblem turns the upload refusals into 413 and 415 problems.
func uploadProblem(err error, size int64) error {
	var unsupported *UnsupportedError
	switch {
	case errors.Is(err, ErrTooLarge):
		return tooLarge(size)
	case errors.As(err, &unsupported):
		return huma.Error415UnsupportedMediaType(unsupported.Reason,
			&huma.ErrorDetail{Location: "body.file", Message: unsupported.Reason, Value: unsupported.Detected})
	}
	return err
}

func tooLarge(size int64) error {
	msg := "the file is " + strconv.FormatFloat(float64(size)/(1<<20), 'f', 1, 64) + " MiB; attachments of at most 20 MiB are accepted"
	return huma.Error413RequestEntityTooLarge(msg, &huma.ErrorDetail{Location: "body.file", Message: msg, Value: size})
}

// limitUpload refuses a declared body over the limit with 413 before it is
// read, and caps a body of unknown length, so a huge upload is never spooled.
func limitUpload(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		r, w := humago.Unwrap(ctx)
		if r.ContentLength > uploadLimit {
			msg := "the upload is " + strconv.FormatInt(r.ContentLength>>20, 10) + " MiB; attachments of at most 20 MiB are accepted"
			_ = huma.WriteErr(api, ctx, http.StatusRequestEntityTooLarge, msg, &huma.ErrorDetail{Location: "body.file", Message: msg})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
		next(ctx)
	}
}
