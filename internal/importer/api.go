package importer

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// ImportFileForm is the multipart upload.
type ImportFileForm struct {
	File huma.FormFile `form:"file" contentType:"text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/octet-stream" required:"true" doc:"A CSV (UTF-8, with or without BOM, or GB18030) or XLSX file of at most 200 MiB; the first row is the header."`
}

// ImportUploadInput is the upload request.
type ImportUploadInput struct {
	RawBody huma.MultipartFormFiles[ImportFileForm]
}

// ImportUploadOutput is the upload answer.
type ImportUploadOutput struct {
	Location string `header:"Location"`
	Body     *Uploaded
}

// ImportIDPath names an import.
type ImportIDPath struct {
	ID string `path:"id" format:"uuid" doc:"Import id."`
}

// ImportListInput lists imports.
type ImportListInput struct {
	httpx.PageParams
	ImportListFilter
}

// ImportStartInput is the start request.
type ImportStartInput struct {
	ID   string `path:"id" format:"uuid" doc:"Import id."`
	Body StartInput
}

// ImportJobOutput answers with an import; Status is 200 when it finished
// within the request, 202 while it runs in the background.
type ImportJobOutput struct {
	Status int
	Body   *ImportJob
}

// uploadLimit: the file plus the multipart envelope.
const uploadLimit = MaxFileBytes + 1<<20

// uploadTime is how long an upload may take to arrive (200 MiB at about
// 3 Mbit/s).
const uploadTime = 10 * time.Minute

// Register adds the import operations.
func Register(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "upload-import", Method: http.MethodPost, Path: "/api/v1/imports",
		Tags: []string{"imports"}, Summary: "Upload a lead file to import",
		Description: "multipart/form-data with the file in `file`. The format is sniffed from the content (XLSX is a zip " +
			"archive; anything else is read as CSV, in UTF-8 when it is valid UTF-8, else GB18030). Answers the import, " +
			"the header row, a preview of the first 20 rows and a suggested mapping; nothing is imported until start. " +
			"Idempotency-Key is honoured: the key is bound to the uploaded file's content (see the API notes).",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: uploadLimit,
		Errors:      []int{http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
		Middlewares: huma.Middlewares{limitUpload(api)}}, httpx.Perm("lead.write"),
		func(ctx context.Context, in *ImportUploadInput) (*ImportUploadOutput, error) {
			f := in.RawBody.Data().File
			if !f.IsSet || f.File == nil {
				return nil, huma.Error422UnprocessableEntity("send the file as the multipart field file")
			}
			defer f.Close()
			if f.Size > MaxFileBytes {
				return nil, huma.Error413RequestEntityTooLarge(ErrTooLarge.Error())
			}
			up, err := s.Upload(ctx, f.Filename, f.File)
			if errors.Is(err, ErrTooLarge) {
				return nil, huma.Error413RequestEntityTooLarge(err.Error())
			}
			if err != nil {
				return nil, err
			}
			return &ImportUploadOutput{Location: "/api/v1/imports/" + up.Import.ID, Body: up}, nil
		})

	httpx.Register(api, huma.Operation{OperationID: "get-import", Method: http.MethodGet, Path: "/api/v1/imports/{id}",
		Tags: []string{"imports"}, Summary: "Get an import and its progress"}, httpx.Perm("lead.read"),
		func(ctx context.Context, in *ImportIDPath) (*ImportJobOutput, error) {
			j, err := s.Get(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &ImportJobOutput{Status: http.StatusOK, Body: j}, nil
		})

	httpx.Register(api, huma.Operation{OperationID: "start-import", Method: http.MethodPost, Path: "/api/v1/imports/{id}/start",
		Tags: []string{"imports"}, Summary: "Map the columns and run the import",
		Description: "Files of up to 5,000 rows are imported within the request (200, status done); larger ones in the " +
			"background (202, status running): poll the import for its counters. Bad rows are recorded, never fail the file.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity}}, httpx.Perm("lead.write"),
		func(ctx context.Context, in *ImportStartInput) (*ImportJobOutput, error) {
			j, err := s.Start(ctx, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			st := http.StatusOK
			if j.Status == StatusRunning {
				st = http.StatusAccepted
			}
			return &ImportJobOutput{Status: st, Body: j}, nil
		})

	httpx.Register(api, huma.Operation{OperationID: "list-imports", Method: http.MethodGet, Path: "/api/v1/imports",
		Tags: []string{"imports"}, Summary: "List imports, newest first",
		Description: "The imports in your data scope (yours; your department's for a manager; the tenant's for a " +
			"tenant-wide role), with their status and counters. Keyset paging."}, httpx.Perm("lead.read"),
		func(ctx context.Context, in *ImportListInput) (*struct{ Body httpx.Page[ImportJob] }, error) {
			page, err := s.List(ctx, in.ImportListFilter, in.Limit, in.Cursor)
			return &struct{ Body httpx.Page[ImportJob] }{Body: page}, err
		})

	httpx.Register(api, huma.Operation{OperationID: "cancel-import", Method: http.MethodPost, Path: "/api/v1/imports/{id}/cancel",
		Tags: []string{"imports"}, Summary: "Cancel a running import",
		Description: "The import stops after the chunk being written (that chunk is rolled back); the rows of the chunks " +
			"already committed stay imported and counted. Answers the import, status cancelled. 409 unless it is running.",
		Errors: []int{http.StatusConflict}}, httpx.Perm("lead.write"),
		func(ctx context.Context, in *ImportIDPath) (*ImportJobOutput, error) {
			j, err := s.Cancel(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &ImportJobOutput{Status: http.StatusOK, Body: j}, nil
		})

	httpx.Register(api, huma.Operation{OperationID: "get-import-errors", Method: http.MethodGet, Path: "/api/v1/imports/{id}/errors.csv",
		Tags: []string{"imports"}, Summary: "Download an import's per-row report (refused rows and duplicates), as CSV",
		Description: "UTF-8 with a BOM; columns row, field, value, message, kind, by row. kind \"error\": the row was refused " +
			"(counted in error_rows). kind \"duplicate\": the row matched an existing lead or customer (by phone, email, or a " +
			"customer's company name or contacts) or an earlier row, and message says what was done: skipped, the lead " +
			"updated, merged into the earlier row, or created anyway. A record outside your data scope is named only " +
			"as \"an existing lead/customer\". Cells starting with =, +, - or @ are prefixed with ' " +
			"so spreadsheets do not run them as formulas.",
		Responses: map[string]*huma.Response{"200": {Description: "The error report",
			Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}}}}}, httpx.Perm("lead.read"),
		func(ctx context.Context, in *ImportIDPath) (*huma.StreamResponse, error) {
			j, err := s.Get(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
				hctx.SetHeader("Content-Disposition", `attachment; filename="import-`+j.ID+`-errors.csv"`)
				hctx.SetStatus(http.StatusOK)
				if err := s.ErrorReport(ctx, j, hctx.BodyWriter()); err != nil && s.Log != nil {
					s.Log.ErrorContext(ctx, "import error report", "import_id", j.ID, "err", err)
				}
			}}, nil
		})
}

// limitUpload refuses a declared body over the limit with 413 before it is
// read, and caps a body of unknown length, so a huge upload is never spooled.
func limitUpload(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		r, w := humago.Unwrap(ctx)
		if r.ContentLength > uploadLimit {
			_ = huma.WriteErr(api, ctx, http.StatusRequestEntityTooLarge,
				"the upload is "+strconv.FormatInt(r.ContentLength>>20, 10)+" MiB; files of at most "+
					strconv.Itoa(MaxFileBytes>>20)+" MiB are accepted")
			return
		}
		// The server's read timeout suits requests, not a file of a million
		// rows sent over a slow line: this one upload may take ten minutes.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadTime))
		r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
		next(ctx)
	}
}
