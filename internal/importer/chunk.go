package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// errCancelled stops an import whose status was set to cancelled while a
// chunk was being written: that chunk is rolled back, the earlier ones stay.
var errCancelled = errors.New("import cancelled")

// errEarlierFailed rolls back a chunk written after one that failed: the
// import stops at the failed chunk, and that chunk's error is reported.
var errEarlierFailed = errors.New("an earlier chunk failed")

// errChanged retries a chunk that read a lead it updates before another
// writer (the chunk before it, or a person editing the lead) changed it.
var errChanged = errors.New("a matched lead changed meanwhile")

// counts are a chunk's counters.
type counts struct{ created, updated, skipped, errors int }

// chunkPlan is what a chunk writes: the leads to insert, the leads to
// update (each once, in first-met order) and the error and duplicate notes.
type chunkPlan struct {
	counts
	inserts []lead.Lead
	insRow  []int          // the file row of each insert, for "duplicates row N"
	pending map[string]int // "p:"/"e:" key → index in inserts
	updates []*existing
	before  map[string][numFields]string // each updated lead's values as read, for its audit entry
	errs    []importError
}

// writeChunk writes a chunk in one transaction: one lookup of the leads
// and customers that share a key with its rows, the new leads in bulk, an
// UPDATE per updated lead, one INSERT of the error and duplicate notes, and
// the counters. It commits only after the chunk before it has: the lookup
// and the bulk insert (which takes no lock another chunk could wait for)
// overlap the previous chunk's writing, everything else waits for it. The
// counters are only moved while the import is running: one cancelled
// meanwhile rolls the chunk back and stops.
func (r *runner) writeChunk(ctx context.Context, c *chunk) {
	defer func() {
		// A goroutine of its own: a panic would otherwise end the server.
		if p := recover(); p != nil {
			c.err = fmt.Errorf("importer: writing a chunk panicked: %v", p)
		}
		close(c.done)
	}()
	// SQLite has one write connection: a chunk holding it while it waits
	// for the one before would wait forever, so there chunks take turns.
	// Their lookups need not: a chunk reads the committed leads and
	// customers on a read connection while the chunk before it is written
	// (as PostgreSQL's chunks do on their own connections), unless a row
	// shares a key with that chunk, whose leads are not committed yet.
	sqlite := r.s.DB.Dialect != db.Postgres
	var early *matches
	if sqlite && !c.afterPrev {
		if early, c.err = r.lookup(ctx, r.s.DB.Read, c, false); c.err != nil {
			_ = c.waitPrev() // fail after the chunk before, not beside it
			return
		}
	}
	if c.afterPrev || sqlite {
		if c.err = c.waitPrev(); c.err != nil {
			return
		}
	}
	attempt := 0
	c.err = r.chunkTx(ctx, func(ctx context.Context, tx bun.Tx, conn *sql.Conn) error {
		m := early
		if attempt++; attempt > 1 { // what changed may be the previous chunk's doing
			if err := c.waitPrev(); err != nil {
				return err
			}
			m = nil // and a lead read early may have changed: read again, in the transaction
		}
		if m == nil {
			// Someone changed a matched lead while the last try ran: this
			// one locks the leads it reads (PostgreSQL; on SQLite the
			// transaction holds the one writer), so it cannot meet that again.
			var err error
			if m, err = r.lookup(ctx, tx, c, attempt > 1 && !sqlite); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		p := r.plan(c, m, now)
		if len(p.inserts) > 0 {
			if err := insertLeads(ctx, tx.Tx, conn, p.inserts, r.job.ID); err != nil {
				return err
			}
		}
		if err := c.waitPrev(); err != nil {
			return err
		}
		if err := r.write(ctx, tx, p, now); err != nil {
			return err
		}
		c.counts = p.counts
		return r.count(ctx, tx, c.processed, p.counts, now)
	})
}

// count adds a chunk's counters to the import, refusing when the import is
// no longer running (cancelled).
func (r *runner) count(ctx context.Context, tx bun.Tx, processed int, c counts, now time.Time) error {
	res, err := tx.NewUpdate().Table("imports").
		Set("processed_rows = processed_rows + ?", processed).Set("created_rows = created_rows + ?", c.created).
		Set("updated_rows = updated_rows + ?", c.updated).Set("skipped_rows = skipped_rows + ?", c.skipped).
		Set("error_rows = error_rows + ?", c.errors).Set("updated_at = ?", now).
		Where("id = ? AND tenant_id = ? AND status = ?", r.job.ID, r.job.TenantID, StatusRunning).Exec(ctx)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errCancelled
	}
	return nil
}

// chunkTx runs fn in a transaction, retried like db.InTx and when a
// matched lead changed under it (a lead read before the transaction, or on
// PostgreSQL by another transaction meanwhile). On PostgreSQL the
// transaction runs on a connection taken for it, handed to fn so the leads
// can be COPYed through it; on SQLite conn is nil.
func (r *runner) chunkTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx, conn *sql.Conn) error) error {
	run := r.onConn
	if r.s.DB.Dialect != db.Postgres {
		run = func(ctx context.Context, fn func(ctx context.Context, tx bun.Tx, conn *sql.Conn) error) error {
			return r.s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx, nil) })
		}
	}
	var err error
	for attempt := 1; attempt <= db.MaxAttempts; attempt++ {
		err = run(ctx, fn)
		if err == nil || !(db.Retryable(err) || errors.Is(err, errChanged)) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
	}
	return err
}

func (r *runner) onConn(ctx context.Context, fn func(ctx context.Context, tx bun.Tx, conn *sql.Conn) error) error {
	conn, err := r.s.DB.Write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(ctx, tx, conn.Conn); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// write applies a plan's updates and notes inside tx. A lead is updated
// only at the version the plan merged the row into: any other writer's
// change in between retries the chunk rather than being overwritten. Each
// updated lead gets an audit entry of its changed fields, like an update by
// hand, naming the import it came from.
func (r *runner) write(ctx context.Context, tx bun.Tx, p *chunkPlan, now time.Time) error {
	entries := make([]*audit.Entry, 0, len(p.updates))
	for _, e := range p.updates {
		res, err := tx.NewUpdate().Table("leads").
			Set("contact_name = ?, company = ?, title = ?, phone = ?, email = ?, wechat = ?, source = ?, region = ?, industry = ?, notes = ?",
				e.ContactName, e.Company, e.Title, e.Phone, e.Email, e.WeChat, e.Source, e.Region, e.Industry, e.Notes).
			Set("phone_key = ?, email_key = ?, company_key = ?", lead.PhoneKey(e.Phone), lead.EmailKey(e.Email), lead.CompanyKey(e.Company)).
			Set("updated_at = ?", now).Set("version = version + 1").
			Where("id = ? AND tenant_id = ? AND version = ?", e.ID, r.job.TenantID, e.Version).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errChanged
		}
		if changes := r.changes(p.before[e.ID], e.vals()); changes != nil {
			entry, err := audit.NewEntry(ctx, audit.Update, "lead", e.ID, changes)
			if err != nil {
				return err
			}
			entries = append(entries, entry)
		}
	}
	if len(entries) > 0 {
		if _, err := tx.NewInsert().Model(&entries).Exec(ctx); err != nil {
			return err
		}
	}
	if len(p.errs) > 0 {
		if _, err := tx.NewInsert().Model(&p.errs).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// changes are the fields an import changed on a lead, plus the import
// itself (import_id, import_file_name) so its history says where the
// change came from; nil when the rows changed nothing.
func (r *runner) changes(old, new [numFields]string) []audit.Change {
	var cs []audit.Change
	for i := range old {
		if old[i] != new[i] {
			cs = append(cs, audit.Change{Field: fields[i].name, Old: old[i], New: new[i]})
		}
	}
	if cs == nil {
		return nil
	}
	return append(cs, audit.Change{Field: "import_id", New: r.job.ID}, audit.Change{Field: "import_file_name", New: r.job.FileName})
}

// plan decides each row of the chunk against the matches: create, update,
// skip or refuse, with a duplicate note for every row that matched.
func (r *runner) plan(c *chunk, m *matches, now time.Time) *chunkPlan {
	p := &chunkPlan{inserts: make([]lead.Lead, 0, len(c.rows)), pending: map[string]int{}, before: map[string][numFields]string{}}
	p.errors = c.errorRows
	p.errs = append([]importError(nil), c.errs...) // a retried chunk plans again from its rows
	dept := nilIfEmpty(r.p.DepartmentID)
	owner := r.p.UserID
	for i := range c.rows {
		rw := &c.rows[i]
		if r.decide(p, m, rw) {
			continue
		}
		l := lead.Lead{ID: ids.New(), TenantID: r.job.TenantID, Status: lead.StatusNew, OwnerID: &owner,
			DepartmentID: dept, AssignedAt: &now, CreatedBy: owner, CreatedAt: now, UpdatedAt: now, Version: 1}
		setVals(&l, rw.vals)
		l.PhoneKey, l.EmailKey, l.CompanyKey = rw.pk, rw.ek, rw.ck // computed once, in add
		for _, k := range rw.leadKeys() {
			if _, ok := p.pending[k]; !ok {
				p.pending[k] = len(p.inserts)
			}
		}
		p.inserts = append(p.inserts, l)
		p.insRow = append(p.insRow, rw.num)
		p.created++
	}
	return p
}

// decide handles a row that matches something; it reports whether the row
// is done with (false: create it).
func (r *runner) decide(p *chunkPlan, m *matches, rw *row) bool {
	hit := m.of(rw)
	policy := r.job.DuplicatePolicy
	pend := -1
	if policy != PolicyCreate {
		for _, k := range rw.leadKeys() {
			if ix, ok := p.pending[k]; ok {
				pend = ix
				if !hit.any() { // name the key the earlier row shares
					hit.leadField = map[byte]string{'p': "phone", 'e': "email"}[k[0]]
				}
				break
			}
		}
	}
	switch {
	case policy == PolicyCreate:
		if hit.any() {
			p.note(r, rw, hit, hit.phrase()+"; created anyway")
		}
		return false
	case policy == PolicySkip && hit.any():
		p.skipped++
		p.note(r, rw, hit, hit.phrase()+"; skipped")
	case policy == PolicySkip && pend >= 0:
		p.skipped++
		p.note(r, rw, hit, "duplicates row "+strconv.Itoa(p.insRow[pend])+" of the file; skipped")
	case hit.lead != nil && hit.lead.InScope == 0:
		p.errors++
		p.errs = append(p.errs, importError{ImportID: r.job.ID, TenantID: r.job.TenantID, RowNumber: rw.num, Kind: kindError,
			Field: hit.leadField, Value: clip(rw.vals[fieldIndex(hit.leadField)], 200),
			Message: hit.phrase() + ", which is outside your data scope; not updated"})
	case hit.lead != nil:
		e := hit.lead
		v := e.vals()
		if _, seen := p.before[e.ID]; !seen {
			p.before[e.ID] = v
			p.updates = append(p.updates, e)
		}
		merge(&v, rw.vals, r.cols)
		e.ContactName, e.Company, e.Title, e.Phone, e.Email = v[0], v[1], v[2], v[3], v[4]
		e.WeChat, e.Source, e.Region, e.Industry, e.Notes = v[5], v[6], v[7], v[8], v[9]
		p.updated++
		p.note(r, rw, hit, hit.phrase()+"; the lead was updated")
	case pend >= 0:
		l := &p.inserts[pend]
		v := [numFields]string{l.ContactName, l.Company, l.Title, l.Phone, l.Email, l.WeChat, l.Source, l.Region, l.Industry, l.Notes}
		merge(&v, rw.vals, r.cols)
		setLead(l, v)
		p.updated++
		if hit.any() {
			p.note(r, rw, hit, hit.phrase()+"; merged into row "+strconv.Itoa(p.insRow[pend])+" of the file")
		}
	case hit.cust != nil:
		p.skipped++
		p.note(r, rw, hit, hit.phrase()+"; skipped: a lead import does not change customers")
	default:
		return false
	}
	return true
}

// note records a duplicate note for the row.
func (p *chunkPlan) note(r *runner, rw *row, h hit, msg string) {
	f := h.field()
	value := ""
	if f != "" {
		value = clip(rw.vals[fieldIndex(f)], 200)
	}
	p.errs = append(p.errs, importError{ImportID: r.job.ID, TenantID: r.job.TenantID, RowNumber: rw.num, Kind: kindDuplicate,
		Field: f, Value: value, Message: msg})
}

// merge copies the row's mapped, non-empty cells over v.
func merge(v *[numFields]string, vals [numFields]string, cols [numFields]int) {
	for i := range v {
		if cols[i] >= 0 && vals[i] != "" {
			v[i] = vals[i]
		}
	}
}

// setLead copies v into l and recomputes its dedupe keys.
func setLead(l *lead.Lead, v [numFields]string) {
	setVals(l, v)
	l.PhoneKey, l.EmailKey, l.CompanyKey = lead.PhoneKey(l.Phone), lead.EmailKey(l.Email), lead.CompanyKey(l.Company)
}

func setVals(l *lead.Lead, v [numFields]string) {
	l.ContactName, l.Company, l.Title, l.Phone, l.Email = v[0], v[1], v[2], v[3], v[4]
	l.WeChat, l.Source, l.Region, l.Industry, l.Notes = v[5], v[6], v[7], v[8], v[9]
}
