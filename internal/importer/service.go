package importer

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/blob"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// ErrTooLarge refuses a file over MaxFileBytes.
var ErrTooLarge = fmt.Errorf("the file is larger than %d MiB", MaxFileBytes>>20)

// MaxFileBytes is the largest file accepted.
const MaxFileBytes = 50 << 20

// ChunkRows is how many rows go into one transaction.
const ChunkRows = 2000

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
	DuplicatePolicy string            `json:"duplicate_policy,omitempty" enum:"skip,update,create" doc:"What to do with a row whose phone or email matches an existing lead (or an earlier row): skip it (default), update that lead with the row's non-empty cells, or create a lead anyway."`
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
	run := &runner{s: s, job: j, cols: cols, p: auth.From(ctx)}
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
	// counters of the current chunk
	processed, created, updated, skipped, errorRows int
	errs                                            []importError
	rows                                            []row
	total                                           struct{ processed, created, updated, skipped, errors int }
}

type row struct {
	num  int
	vals [numFields]string
}

func (r *runner) run(ctx context.Context) {
	err := r.process(ctx)
	status, failure := StatusDone, ""
	if err != nil {
		status = StatusFailed
		var bf *BadFileError
		switch {
		case errors.As(err, &bf):
			failure = bf.Msg
		default:
			failure = "the import stopped on an internal error; the rows counted as processed were imported"
			if r.s.Log != nil {
				r.s.Log.ErrorContext(ctx, "import", "import_id", r.job.ID, "err", err)
			}
		}
	}
	ctx = context.WithoutCancel(ctx)
	err = r.s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := time.Now().UTC()
		if _, err := tx.NewUpdate().Table("imports").Set("status = ?", status).Set("failure = ?", failure).
			Set("finished_at = ?", now).Set("updated_at = ?", now).Set("version = version + 1").
			Where("id = ? AND tenant_id = ?", r.job.ID, r.job.TenantID).Exec(ctx); err != nil {
			return err
		}
		t := r.total
		return audit.Record(ctx, tx, audit.Create, "import", r.job.ID, []audit.Change{
			{Field: "file_name", New: r.job.FileName}, {Field: "duplicate_policy", New: r.job.DuplicatePolicy},
			{Field: "status", Old: StatusRunning, New: status}, {Field: "total_rows", New: r.job.TotalRows},
			{Field: "processed_rows", New: t.processed}, {Field: "created_rows", New: t.created},
			{Field: "updated_rows", New: t.updated}, {Field: "skipped_rows", New: t.skipped}, {Field: "error_rows", New: t.errors},
		})
	})
	if err != nil && r.s.Log != nil {
		r.s.Log.ErrorContext(ctx, "import finish", "import_id", r.job.ID, "err", err)
	}
}

func (r *runner) process(ctx context.Context) error {
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
	r.rows = make([]row, 0, ChunkRows)
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
		if r.processed >= ChunkRows {
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
	r.processed++
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
			r.errs = append(r.errs, importError{ImportID: r.job.ID, TenantID: r.job.TenantID, RowNumber: num,
				Field: ce.field, Value: clip(ce.value, 200), Message: ce.msg})
			continue
		}
		rw.vals[fi] = v
	}
	if bad {
		r.errorRows++
		return
	}
	r.rows = append(r.rows, rw)
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

// existing is a lead that shares a phone or email key with a row.
type existing struct {
	ID           string  `bun:"id"`
	ContactName  string  `bun:"contact_name"`
	Company      string  `bun:"company"`
	Title        string  `bun:"title"`
	Phone        string  `bun:"phone"`
	Email        string  `bun:"email"`
	WeChat       string  `bun:"wechat"`
	Source       string  `bun:"source"`
	Region       string  `bun:"region"`
	Industry     string  `bun:"industry"`
	Notes        string  `bun:"notes"`
	PhoneKey     string  `bun:"phone_key"`
	EmailKey     string  `bun:"email_key"`
	OwnerID      *string `bun:"owner_id"`
	DepartmentID *string `bun:"department_id"`
	InScope      int     `bun:"in_scope"`
}

func (e *existing) vals() [numFields]string {
	return [numFields]string{e.ContactName, e.Company, e.Title, e.Phone, e.Email, e.WeChat, e.Source, e.Region, e.Industry, e.Notes}
}

// flush writes the chunk in one transaction: one lookup of the leads that
// share a phone or email key with its rows, one multi-row INSERT of the new
// leads, an UPDATE per updated lead, one INSERT of the error rows and the
// counters.
func (r *runner) flush(ctx context.Context) error {
	if r.processed == 0 {
		return nil
	}
	var c struct{ created, updated, skipped, errors int }
	err := r.s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c.created, c.updated, c.skipped, c.errors = 0, 0, r.skipped, r.errorRows
		errs := r.errs
		now := time.Now().UTC()
		byKey := map[string]*existing{}
		if r.job.DuplicatePolicy != PolicyCreate {
			found, err := r.lookup(ctx, tx)
			if err != nil {
				return err
			}
			for i := range found {
				e := &found[i]
				for _, k := range []string{"p:" + e.PhoneKey, "e:" + e.EmailKey} {
					if len(k) > 2 {
						if _, ok := byKey[k]; !ok {
							byKey[k] = e
						}
					}
				}
			}
		}
		inserts := make([]lead.Lead, 0, len(r.rows))
		pending := map[string]int{} // key → index in inserts
		updates := map[string]*existing{}
		var updateOrder []*existing
		dept := nilIfEmpty(r.p.DepartmentID)
		owner := r.p.UserID
		for i := range r.rows {
			rw := &r.rows[i]
			pk, ek := lead.PhoneKey(rw.vals[fPhone]), lead.EmailKey(rw.vals[fEmail])
			keys := make([]string, 0, 2)
			if pk != "" {
				keys = append(keys, "p:"+pk)
			}
			if ek != "" {
				keys = append(keys, "e:"+ek)
			}
			if r.job.DuplicatePolicy != PolicyCreate {
				var match *existing
				pend := -1
				for _, k := range keys {
					if e, ok := byKey[k]; ok && match == nil {
						match = e
					}
					if ix, ok := pending[k]; ok && pend < 0 {
						pend = ix
					}
				}
				switch {
				case match != nil && r.job.DuplicatePolicy == PolicySkip, pend >= 0 && r.job.DuplicatePolicy == PolicySkip:
					c.skipped++
					continue
				case match != nil:
					if match.InScope == 0 {
						c.errors++
						errs = append(errs, importError{ImportID: r.job.ID, TenantID: r.job.TenantID, RowNumber: rw.num,
							Field: "phone", Message: "duplicates lead " + match.ID + ", which is outside your data scope; not updated"})
						continue
					}
					if _, ok := updates[match.ID]; !ok {
						updates[match.ID] = match
						updateOrder = append(updateOrder, match)
					}
					v := match.vals()
					merge(&v, rw.vals, r.cols)
					match.ContactName, match.Company, match.Title, match.Phone, match.Email = v[0], v[1], v[2], v[3], v[4]
					match.WeChat, match.Source, match.Region, match.Industry, match.Notes = v[5], v[6], v[7], v[8], v[9]
					c.updated++
					continue
				case pend >= 0:
					l := &inserts[pend]
					v := [numFields]string{l.ContactName, l.Company, l.Title, l.Phone, l.Email, l.WeChat, l.Source, l.Region, l.Industry, l.Notes}
					merge(&v, rw.vals, r.cols)
					setLead(l, v)
					c.updated++
					continue
				}
			}
			l := lead.Lead{ID: ids.New(), TenantID: r.job.TenantID, Status: lead.StatusNew, OwnerID: &owner,
				DepartmentID: dept, AssignedAt: &now, CreatedBy: owner, CreatedAt: now, UpdatedAt: now, Version: 1}
			setLead(&l, rw.vals)
			for _, k := range keys {
				if _, ok := pending[k]; !ok {
					pending[k] = len(inserts)
				}
			}
			inserts = append(inserts, l)
			c.created++
		}
		if len(inserts) > 0 {
			if err := insertLeads(ctx, tx.Tx, r.s.DB.Dialect, inserts); err != nil {
				return err
			}
		}
		for _, e := range updateOrder {
			_, err := tx.NewUpdate().Table("leads").
				Set("contact_name = ?, company = ?, title = ?, phone = ?, email = ?, wechat = ?, source = ?, region = ?, industry = ?, notes = ?",
					e.ContactName, e.Company, e.Title, e.Phone, e.Email, e.WeChat, e.Source, e.Region, e.Industry, e.Notes).
				Set("phone_key = ?, email_key = ?, company_key = ?", lead.PhoneKey(e.Phone), lead.EmailKey(e.Email), lead.CompanyKey(e.Company)).
				Set("updated_at = ?", now).Set("version = version + 1").
				Where("id = ? AND tenant_id = ?", e.ID, r.job.TenantID).Exec(ctx)
			if err != nil {
				return err
			}
		}
		if len(errs) > 0 {
			if _, err := tx.NewInsert().Model(&errs).Exec(ctx); err != nil {
				return err
			}
		}
		_, err := tx.NewUpdate().Table("imports").
			Set("processed_rows = processed_rows + ?", r.processed).Set("created_rows = created_rows + ?", c.created).
			Set("updated_rows = updated_rows + ?", c.updated).Set("skipped_rows = skipped_rows + ?", c.skipped).
			Set("error_rows = error_rows + ?", c.errors).Set("updated_at = ?", now).
			Where("id = ? AND tenant_id = ?", r.job.ID, r.job.TenantID).Exec(ctx)
		return err
	})
	if err != nil {
		return err
	}
	r.total.processed += r.processed
	r.total.created += c.created
	r.total.updated += c.updated
	r.total.skipped += c.skipped
	r.total.errors += c.errors
	r.processed, r.skipped, r.errorRows = 0, 0, 0
	r.rows, r.errs = r.rows[:0], nil
	return nil
}

// merge copies the row's mapped, non-empty cells over v.
func merge(v *[numFields]string, vals [numFields]string, cols [numFields]int) {
	for i := range v {
		if cols[i] >= 0 && vals[i] != "" {
			v[i] = vals[i]
		}
	}
}

func setLead(l *lead.Lead, v [numFields]string) {
	l.ContactName, l.Company, l.Title, l.Phone, l.Email = v[0], v[1], v[2], v[3], v[4]
	l.WeChat, l.Source, l.Region, l.Industry, l.Notes = v[5], v[6], v[7], v[8], v[9]
	l.PhoneKey, l.EmailKey, l.CompanyKey = lead.PhoneKey(l.Phone), lead.EmailKey(l.Email), lead.CompanyKey(l.Company)
}

// lookup finds the tenant's leads sharing a phone or email key with the
// chunk's rows, whoever owns them; in_scope says whether the caller may
// update them. The "<> ”" terms let both engines use the partial indexes.
func (r *runner) lookup(ctx context.Context, tx bun.Tx) ([]existing, error) {
	var phones, emails []string
	for i := range r.rows {
		if k := lead.PhoneKey(r.rows[i].vals[fPhone]); k != "" {
			phones = append(phones, k)
		}
		if k := lead.EmailKey(r.rows[i].vals[fEmail]); k != "" {
			emails = append(emails, k)
		}
	}
	if len(phones) == 0 && len(emails) == 0 {
		return nil, nil
	}
	scope, args := r.p.ScopeSQL("l.tenant_id", "l.owner_id", "l.department_id")
	var out []existing
	// One query per key, each on its own partial index (an OR of the two
	// makes SQLite scan the tenant's leads).
	for _, k := range []struct {
		col  string
		keys []string
	}{{"phone_key", phones}, {"email_key", emails}} {
		if len(k.keys) == 0 {
			continue
		}
		var found []existing // bun resets the slice it scans into
		keys := bun.In(k.keys)
		in := "? <> '' AND ? IN (?)"
		if r.s.DB.Dialect == db.Postgres {
			// One array value parses and plans faster than thousands of IN literals.
			keys, in = pgdialect.Array(k.keys), "? <> '' AND ? = ANY(?)"
		}
		err := tx.NewSelect().TableExpr("leads AS l").
			ColumnExpr("l.id, l.contact_name, l.company, l.title, l.phone, l.email, l.wechat, l.source, l.region, l.industry, l.notes").
			ColumnExpr("l.phone_key, l.email_key, l.owner_id, l.department_id").
			ColumnExpr("CASE WHEN "+scope+" THEN 1 ELSE 0 END AS in_scope", args...).
			Where("l.tenant_id = ?", r.job.TenantID).
			Where(in, bun.Ident("l."+k.col), bun.Ident("l."+k.col), keys).
			Scan(ctx, &found) // no ORDER BY: it would lead SQLite to walk the tenant's leads by id
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	// The oldest lead first, so the match a row meets does not depend on the plan.
	slices.SortFunc(out, func(a, b existing) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// ErrorReport writes the import's error rows as CSV with a UTF-8 BOM (so
// Excel reads it as UTF-8). Cells starting with =, +, -, @ (or a tab or
// carriage return) get a leading ' so a spreadsheet shows them as text
// instead of running them as formulas.
func (s *Service) ErrorReport(ctx context.Context, j *ImportJob, w io.Writer) error {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"row", "field", "value", "message"})
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
			_ = cw.Write([]string{strconv.Itoa(e.RowNumber), e.Field, Neutralise(e.Value), Neutralise(e.Message)})
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

// Neutralise prefixes a cell a spreadsheet would take for a formula with '.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
