package importer

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/blob"
	"github.com/rudder-crm/rudder/internal/export"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// ErrTooLarge refuses a file over MaxFileBytes.
var ErrTooLarge = fmt.Errorf("the file is larger than %d MiB", MaxFileBytes>>20)

// MaxFileBytes is the largest file accepted: a CSV of a million leads with
// a dozen columns in Chinese is about 150 MiB.
const MaxFileBytes = 200 << 20

// Rows per chunk, each written in one transaction. SQLite writes a
// chunk's dirty pages to its log at commit: a larger chunk writes each
// index page once for more rows (a file of 1,000,000 rows took 66 s in
// chunks of 2,000 and 57 s in chunks of 10,000). PostgreSQL keeps two
// chunks in flight and does best with small ones (47 s against 57 s).
const (
	ChunkRowsSQLite   = 10_000
	ChunkRowsPostgres = 2_000
)

// ChunkRowsOf is the chunk size for a database.
func ChunkRowsOf(d db.Dialect) int {
	if d == db.Postgres {
		return ChunkRowsPostgres
	}
	return ChunkRowsSQLite
}

// DefaultSyncRows: files with at most this many data rows are imported
// within the start request; larger ones in the background.
const DefaultSyncRows = 5000

// StaleAfter: a running import whose counters have not moved for this long
// belongs to an instance that died (a chunk takes well under a second).
const StaleAfter = 2 * time.Minute

// Service imports leads.
type Service struct {
	DB    *db.DB
	Blobs blob.Store
	// SyncRows overrides DefaultSyncRows when set (tests).
	SyncRows int
	Log      *slog.Logger
}

func (s *Service) syncRows() int {
	if s.SyncRows > 0 {
		return s.SyncRows
	}
	return DefaultSyncRows
}

// Uploaded is the answer to an upload.
type Uploaded struct {
	Import           *ImportJob        `json:"import"`
	Header           []string          `json:"header" nullable:"false"`
	Preview          [][]string        `json:"preview" nullable:"false" doc:"The first 20 data rows as read."`
	SuggestedMapping map[string]string `json:"suggested_mapping" doc:"Column index → lead field, from the header names."`
	Fields           []string          `json:"fields" nullable:"false" doc:"The lead fields a column can be mapped to."`
}

// Upload stores a file, reads it once (format, encoding, header, preview,
// row count) and records the import. A file that cannot be imported is
// refused with what is wrong, and nothing is kept.
func (s *Service) Upload(ctx context.Context, name string, r io.Reader) (*Uploaded, error) {
	p := auth.From(ctx)
	id := ids.New()
	key := "imports/" + id
	n, err := s.Blobs.Put(ctx, p.TenantID, key, io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep {
			_ = s.Blobs.Delete(context.WithoutCancel(ctx), p.TenantID, key)
		}
	}()
	if n > MaxFileBytes {
		return nil, ErrTooLarge
	}
	f, err := s.Blobs.Get(ctx, p.TenantID, key)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in, err := Inspect(f)
	if err != nil {
		return nil, fileErr(err)
	}
	now := time.Now().UTC()
	cols, _ := json.Marshal(in.Header)
	j := &ImportJob{ID: id, TenantID: p.TenantID, CreatedBy: p.UserID, DepartmentID: nilIfEmpty(p.DepartmentID), Kind: "leads",
		FileName: cleanName(name), Format: in.Format, Encoding: in.Encoding, BlobKey: key, Status: StatusUploaded,
		ColumnsJSON: string(cols), MappingJSON: "{}", DuplicatePolicy: PolicySkip, TotalRows: in.DataRows,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if _, err := s.DB.Write.NewInsert().Model(j).Exec(ctx); err != nil {
		return nil, err
	}
	keep = true
	j.decode()
	preview := in.Preview
	if preview == nil {
		preview = [][]string{}
	}
	return &Uploaded{Import: j, Header: in.Header, Preview: preview, SuggestedMapping: SuggestMapping(in.Header),
		Fields: FieldNames()}, nil
}

func fileErr(err error) error {
	var bf *BadFileError
	if errors.As(err, &bf) {
		return apperr.Invalid("body.file", "%s", bf.Msg)
	}
	return err
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// cleanName keeps a file name for display: its base name, printable, at
// most 200 characters.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if badRune(string(r), false) != "" {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return name
}

// Get returns an import in the caller's scope (its creator's, by the data
// scope rule on creator and department); any other is not found.
func (s *Service) Get(ctx context.Context, id string) (*ImportJob, error) {
	p := auth.From(ctx)
	var j ImportJob
	q := s.DB.R(ctx).NewSelect().Model(&j).Where("im.id = ?", id)
	err := p.Scoped(q, "im.tenant_id", "im.created_by", "im.department_id").Scan(ctx)
	if err != nil {
		return nil, db.NotFound(err, "import")
	}
	if j.Status == StatusRunning && time.Since(j.UpdatedAt) > StaleAfter {
		if _, err := FailStale(ctx, s.DB); err != nil {
			return nil, err
		}
		return s.Get(ctx, id)
	}
	j.decode()
	return &j, nil
}

// FailStale marks failed the running imports whose instance died (no
// progress for StaleAfter). The server calls it at start; Get calls it
// when it meets one.
func FailStale(ctx context.Context, d *db.DB) (int64, error) {
	now := time.Now().UTC()
	res, err := d.Write.NewUpdate().Table("imports").
		Set("status = ?", StatusFailed).
		Set("failure = ?", "the server stopped during the import; the rows counted as processed were imported, the rest were not").
		Set("finished_at = ?", now).Set("updated_at = ?", now).Set("version = version + 1").
		Where("status = ? AND updated_at < ?", StatusRunning, now.Add(-StaleAfter)).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// StartInput starts an import.
type StartInput struct {
	Mapping         map[string]string `json:"mapping,omitempty" doc:"Column index (\"0\", \"1\", …) or header name → lead field (\"\" ignores the column). contact_name is required."`
	DuplicatePolicy string            `json:"duplicate_policy,omitempty" enum:"skip,update,create" doc:"What to do with a row whose phone or email matches an existing lead (or an earlier row), or whose phone, email or company matches an existing customer or its contacts: skip it (default); update the lead with the row's non-empty cells (a row matching only a customer is skipped: a lead import never edits customers); or create a lead anyway. Every matching row is noted in the per-row report (errors.csv, kind duplicate)."`
}

// Start validates the mapping and runs the import: within the call for a
// small file, in the background otherwise (the answer is then the import
// still running; poll it for progress).
func (s *Service) Start(ctx context.Context, id string, in StartInput) (*ImportJob, error) {
	j, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.Status != StatusUploaded {
		return nil, apperr.Conflict("%s", "the import is already "+j.Status+"; upload the file again to import it again")
	}
	if in.DuplicatePolicy == "" {
		in.DuplicatePolicy = PolicySkip
	}
	cols, err := resolveMapping(j.Columns, in.Mapping)
	if err != nil {
		return nil, err
	}
	mb, _ := json.Marshal(in.Mapping)
	now := time.Now().UTC()
	res, err := s.DB.Write.NewUpdate().Table("imports").Set("status = ?", StatusRunning).Set("mapping = ?", string(mb)).
		Set("duplicate_policy = ?", in.DuplicatePolicy).Set("updated_at = ?", now).Set("version = version + 1").
		Where("id = ? AND tenant_id = ? AND status = ?", j.ID, j.TenantID, StatusUploaded).Exec(ctx)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, apperr.Conflict("the import was started by another request")
	}
	j.Status, j.DuplicatePolicy, j.MappingJSON = StatusRunning, in.DuplicatePolicy, string(mb)
	run := &runner{s: s, job: j, cols: cols, p: auth.From(ctx), chunkRows: ChunkRowsOf(s.DB.Dialect)}
	if j.TotalRows <= s.syncRows() {
		run.run(ctx)
		return s.Get(ctx, id)
	}
	go run.run(context.WithoutCancel(ctx))
	return s.Get(ctx, id)
}

// runner processes one import.
type runner struct {
	s    *Service
	job  *ImportJob
	cols [numFields]int
	p    *auth.Principal
	cur  *chunk // the chunk being read
	// chunkRows is the database's chunk size (ChunkRowsOf).
	chunkRows int
	busy      []*chunk // chunks being written, oldest first (at most two)
	// total is the sum of the committed chunks' counters.
	total struct{ processed, created, updated, skipped, errors int }
}

type row struct {
	num        int
	vals       [numFields]string
	pk, ek, ck string // dedupe keys of phone, email, company
}

func (r *runner) run(ctx context.Context) {
	status, failure := r.outcome(ctx, r.process(ctx))
	ctx = context.WithoutCancel(ctx)
	err := r.s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := time.Now().UTC()
		// A cancel that came after the last chunk still wins: the import
		// was answered as cancelled.
		var final string
		if _, err := tx.NewUpdate().Table("imports").
			Set("status = CASE WHEN status = ? THEN status ELSE ? END", StatusCancelled, status).Set("failure = ?", failure).
			Set("finished_at = ?", now).Set("updated_at = ?", now).Set("version = version + 1").
			Where("id = ? AND tenant_id = ?", r.job.ID, r.job.TenantID).Returning("status").Exec(ctx, &final); err != nil {
			return err
		}
		t := r.total
		return audit.Record(ctx, tx, audit.Create, "import", r.job.ID, []audit.Change{
			{Field: "file_name", New: r.job.FileName}, {Field: "duplicate_policy", New: r.job.DuplicatePolicy},
			{Field: "status", Old: StatusRunning, New: final}, {Field: "total_rows", New: r.job.TotalRows},
			{Field: "processed_rows", New: t.processed}, {Field: "created_rows", New: t.created},
			{Field: "updated_rows", New: t.updated}, {Field: "skipped_rows", New: t.skipped}, {Field: "error_rows", New: t.errors},
		})
	})
	if err != nil && r.s.Log != nil {
		r.s.Log.ErrorContext(ctx, "import finish", "import_id", r.job.ID, "err", err)
	}
}

// outcome is the status and failure an import ends with after process.
func (r *runner) outcome(ctx context.Context, err error) (string, string) {
	var bf *BadFileError
	switch {
	case err == nil:
		return StatusDone, ""
	case errors.Is(err, errCancelled):
		return StatusCancelled, ""
	case errors.As(err, &bf):
		return StatusFailed, bf.Msg
	}
	if r.s.Log != nil {
		r.s.Log.ErrorContext(ctx, "import", "import_id", r.job.ID, "err", err)
	}
	return StatusFailed, "the import stopped on an internal error; the rows counted as processed were imported"
}

// process reads the file and writes it chunk by chunk; it returns once
// every chunk it started is committed or rolled back.
func (r *runner) process(ctx context.Context) error {
	err := r.read(ctx)
	if derr := r.drain(); err == nil {
		err = derr
	}
	return err
}

func (r *runner) read(ctx context.Context) error {
	f, err := r.s.Blobs.Get(ctx, r.job.TenantID, r.job.BlobKey)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := OpenRows(f, r.job.Format, r.job.Encoding)
	if err != nil {
		return err
	}
	defer rows.Close()
	num, header := 0, false
	r.cur = newChunk(r.chunkRows)
	for {
		rec, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		num++
		if blank(rec) {
			continue
		}
		if !header {
			header = true
			continue
		}
		r.add(num, rec)
		if r.cur.processed >= r.chunkRows {
			if err := r.flush(ctx); err != nil {
				return err
			}
		}
	}
	return r.flush(ctx)
}

// add validates one data row: a bad row becomes error entries, a good one
// joins the chunk.
func (r *runner) add(num int, rec []string) {
	c := r.cur
	c.processed++
	var rw row
	rw.num = num
	bad := false
	for fi, col := range r.cols {
		if col < 0 {
			continue
		}
		raw := ""
		if col < len(rec) {
			raw = rec[col]
		}
		v, ce := checkCell(&fields[fi], raw)
		if ce != nil {
			bad = true
			c.errs = append(c.errs, importError{ImportID: r.job.ID, TenantID: r.job.TenantID, RowNumber: num, Kind: kindError,
				Field: ce.field, Value: clip(ce.value, 200), Message: ce.msg})
			continue
		}
		rw.vals[fi] = v
	}
	if bad {
		c.errorRows++
		return
	}
	rw.keysOf()
	c.rows = append(c.rows, rw)
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	rs := []rune(s)
	if len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}

// ErrorReport writes the import's per-row report as CSV with a UTF-8 BOM
// (so Excel reads it as UTF-8): the refused rows (kind "error") and the
// rows that matched an existing lead or customer or an earlier row (kind
// "duplicate", saying what was done with them), by row number. Cells starting with =, +, -, @ (or a tab or
// carriage return) get a leading ' so a spreadsheet shows them as text
// instead of running them as formulas.
func (s *Service) ErrorReport(ctx context.Context, j *ImportJob, w io.Writer) error {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"row", "field", "value", "message", "kind"})
	last := 0
	for {
		var page []importError
		err := s.DB.Read.NewSelect().Model(&page).Where("import_id = ? AND tenant_id = ? AND row_number > ?", j.ID, j.TenantID, last).
			OrderExpr("row_number").Limit(5000).Scan(ctx)
		if err != nil {
			return err
		}
		// A row's errors never straddle pages: finish the last row of a full page on the next query.
		n := len(page)
		if n == 5000 {
			lastRow := page[n-1].RowNumber
			for n > 0 && page[n-1].RowNumber == lastRow {
				n--
			}
			if n == 0 { // one row with 5000 errors cannot happen (fields are few); guard anyway
				n = len(page)
			}
		}
		for _, e := range page[:n] {
			_ = cw.Write([]string{strconv.Itoa(e.RowNumber), e.Field, export.Neutralise(e.Value), export.Neutralise(e.Message), e.Kind})
			last = e.RowNumber
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(page) < 5000 {
			return nil
		}
	}
}
