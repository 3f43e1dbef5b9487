package lead

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Creates are the hot write of the product (the UI, the API, integrations
// pushing leads), so they are combined: the creates of concurrent requests
// are written together, atomically per batch (one transaction on SQLite,
// one statement on PostgreSQL), with one duplicate check and one insert
// each for the leads and their audit entries (see db.Combiner). Each create
// still succeeds or is refused on its own.

// maxBatch bounds a batch of combined creates (and the statements' rows).
const maxBatch = 16

// pendingCreate is one create on its way through the combiner.
type pendingCreate struct {
	lead  *Lead
	entry *audit.Entry
	check bool // refuse the lead when its keys match a lead or customer
	// duplicate is set by the write: a match was found, nothing written.
	duplicate bool
}

// createState is the combiner of a Service, made on first use.
type createState struct {
	once sync.Once
	c    *db.Combiner[*pendingCreate]
}

func (s *Service) creates() *db.Combiner[*pendingCreate] {
	s.create.once.Do(func() {
		s.create.c = &db.Combiner[*pendingCreate]{Max: maxBatch, Write: s.writeCreates,
			DB: s.DB, Stmts: []*db.Hot{createBatchPG}, Send: s.sendCreatesPG}
	})
	return s.create.c
}

// Create adds a lead owned by the caller, or by owner_id for a caller who
// may assign. Unless allow_duplicate is set, a lead whose dedupe keys match
// an existing lead or customer of the tenant is refused with the matches.
func (s *Service) Create(ctx context.Context, in Input) (*Lead, error) {
	p := auth.From(ctx)
	now := time.Now().UTC().Truncate(time.Microsecond) // what both databases keep: the answer is this value
	l := &Lead{ID: ids.New(), TenantID: p.TenantID, ContactName: strings.TrimSpace(in.ContactName),
		Company: strings.TrimSpace(in.Company), Title: strings.TrimSpace(in.Title), Phone: strings.TrimSpace(in.Phone),
		Email: strings.TrimSpace(in.Email), WeChat: strings.TrimSpace(in.WeChat), Source: strings.TrimSpace(in.Source),
		Region: strings.TrimSpace(in.Region), Industry: strings.TrimSpace(in.Industry), Status: StatusNew,
		NextFollowUpAt: utc(in.NextFollowUpAt), Score: in.Score, Notes: in.Notes,
		CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Version: 1, AssignedAt: &now}
	l.setKeys()
	var err error
	if l.OwnerID, l.DepartmentID, err = s.owner(ctx, in.OwnerID); err != nil {
		return nil, err
	}
	entry, err := audit.NewEntry(ctx, audit.Create, "lead", l.ID, audit.Diff(nil, l))
	if err != nil {
		return nil, err
	}
	// A match found by the write may be gone by the time it is read for
	// the answer (deleted, merged): then the create is tried again.
	for attempt := 1; ; attempt++ {
		c := &pendingCreate{lead: l, entry: entry, check: !in.AllowDuplicate}
		if err := s.creates().Do(ctx, c); err != nil {
			return nil, err
		}
		if !c.duplicate {
			break
		}
		matches, err := s.Matches(ctx, Keys{Phone: l.PhoneKey, Email: l.EmailKey, Company: l.CompanyKey},
			MatchOptions{Leads: true, Customers: true})
		if err != nil {
			return nil, err
		}
		if len(matches) > 0 || attempt == 3 {
			return nil, &DuplicatesError{Matches: matches}
		}
	}
	if *l.OwnerID != p.UserID {
		return s.Get(ctx, l.ID) // with the owner's name
	}
	l.OwnerName = p.UserName
	return l, nil
}

// writeCreates writes a batch of creates: each create whose keys repeat an
// earlier one's of the batch is a duplicate at once; the others are checked
// against the database and those that pass are written with their audit
// entries, atomically (on SQLite in one transaction, on PostgreSQL in one
// statement).
func (s *Service) writeCreates(ctx context.Context, batch []*pendingCreate) error {
	fresh := markRepeats(batch)
	if s.DB.Dialect == db.Postgres {
		return s.writeCreatesPG(ctx, fresh)
	}
	return s.DB.InTx(ctx, func(ctx context.Context, _ bun.Tx) error {
		if err := s.markDuplicates(ctx, fresh); err != nil {
			return err
		}
		leads, entries := make([]any, 0, len(fresh)), make([]*audit.Entry, 0, len(fresh))
		for _, c := range fresh {
			if !c.duplicate {
				leads, entries = append(leads, c.lead), append(entries, c.entry)
			}
		}
		if len(leads) == 0 {
			return nil
		}
		if err := s.DB.InsertHot(ctx, insertLeads, leads...); err != nil {
			return err
		}
		return audit.Insert(ctx, entries...)
	})
}

// insertLeads is the prepared insert of up to maxBatch leads.
var insertLeads = db.NewHotInsertRows((*Lead)(nil), maxBatch)

// markRepeats marks the checked creates that share a key with an earlier
// create of the batch of the same tenant, and returns the others. (When the
// earlier one turns out a duplicate itself, the later one's answer finds no
// match and Create tries it again.)
func markRepeats(batch []*pendingCreate) []*pendingCreate {
	fresh := make([]*pendingCreate, 0, len(batch))
	seen := map[string]bool{}
	for _, c := range batch {
		l := c.lead
		keys := []string{"p" + l.PhoneKey, "e" + l.EmailKey, "c" + l.CompanyKey}
		c.duplicate = false // a batch that failed is written again, one create at a time
		for _, k := range keys {
			c.duplicate = c.duplicate || (c.check && len(k) > 1 && seen[l.TenantID+k])
		}
		if c.duplicate {
			continue
		}
		fresh = append(fresh, c)
		for _, k := range keys {
			seen[l.TenantID+k] = len(k) > 1
		}
	}
	return fresh
}

// markDuplicates sets duplicate on each checked create whose keys match a
// lead or customer of its tenant (the same keys Matches searches).
func (s *Service) markDuplicates(ctx context.Context, batch []*pendingCreate) error {
	args := make([]any, 0, maxBatch*5)
	for i := 0; i < maxBatch; i++ {
		if i < len(batch) && batch[i].check {
			l := batch[i].lead
			args = append(args, fmt.Sprint(i+1), l.TenantID, l.PhoneKey, l.EmailKey, l.CompanyKey)
			continue
		}
		args = append(args, "", "", "", "", "") // an empty key matches nothing
	}
	return s.scanDuplicates(ctx, batch, batchMatches, args...)
}

// scanDuplicates runs a statement answering the 1-based positions in batch
// of duplicates, and marks them.
func (s *Service) scanDuplicates(ctx context.Context, batch []*pendingCreate, h *db.Hot, args ...any) error {
	rows, err := s.DB.QueryHot(ctx, h, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return err
		}
		batch[n-1].duplicate = true
	}
	return rows.Err()
}

// duplicateKeys are the searches of a create's keys: one index search each,
// as in Matches, written as scalar subqueries with LIMIT 1 under COALESCE,
// which both databases run row by row and stop at the first hit. (As
// EXISTS, PostgreSQL may turn them into a hash of every key of the table,
// which it does when its statistics, stale while a table grows fast, call
// the table small.) tenant, phone, email and company are the expressions
// of the create's tenant and keys.
func duplicateKeys(tenant, phone, email, company string) string {
	search := func(table, col, key string) string {
		return fmt.Sprintf("(SELECT 1 FROM %[1]s AS k WHERE k.tenant_id = %[4]s AND k.%[2]s = %[3]s AND k.%[2]s <> '' LIMIT 1)",
			table, col, key, tenant)
	}
	return "COALESCE(" + strings.Join([]string{
		search("leads", "phone_key", phone), search("leads", "email_key", email), search("leads", "company_key", company),
		search("customers", "phone_key", phone), search("customers", "email_key", email), search("customers", "company_key", company),
		search("contacts", "phone_key", phone), search("contacts", "email_key", email),
		"0",
	}, ",\n\t\t") + ") = 1"
}

// batchMatches answers which of up to maxBatch creates (numbered 1…; the
// unused slots numbered "") have a duplicate: one statement of one shape.
var batchMatches = db.NewHotFor(db.SQLite, `WITH q(n, t, p, e, c) AS (VALUES `+
	strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", maxBatch), ", ")+`)
	SELECT CAST(q.n AS INTEGER) FROM q WHERE q.n <> '' AND `+duplicateKeys("q.t", "q.p", "q.e", "q.c"))

// writeCreatesPG writes a batch on PostgreSQL in one statement, atomic on
// its own: no BEGIN and COMMIT round trips, and one round trip for the
// duplicate checks, the leads and their audit entries. The rows go as JSON
// (one argument for the leads, one for the entries, one array of which
// creates to check); the statement answers the leads it wrote, and the
// others were duplicates.
func (s *Service) writeCreatesPG(ctx context.Context, batch []*pendingCreate) error {
	if len(batch) == 0 {
		return nil
	}
	args, release := createArgsPG(batch)
	defer release()
	rows, err := s.DB.QueryHot(ctx, createBatchPG, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	written := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		written[id] = true
	}
	markWritten(batch, written)
	return rows.Err()
}

// sendCreatesPG is writeCreatesPG through a pipe (see db.Combiner.Send).
func (s *Service) sendCreatesPG(p *db.Pipe, batch []*pendingCreate) (func() error, error) {
	fresh := markRepeats(batch)
	if len(fresh) == 0 {
		return func() error { return nil }, nil
	}
	args, release := createArgsPG(fresh)
	defer release() // sending copies the arguments
	if err := p.Send(createBatchPG, args...); err != nil {
		return nil, err
	}
	return func() error {
		written := map[string]bool{}
		err := p.Recv(func(values [][]byte) error {
			written[string(values[0])] = true
			return nil
		})
		markWritten(fresh, written)
		return err
	}, nil
}

// createArgsPG are the arguments of createBatchPG for batch, in buffers
// kept for the next batch once release is called.
func createArgsPG(batch []*pendingCreate) (args []any, release func()) {
	lb, eb := jsonBuffers.Get().(*[]byte), jsonBuffers.Get().(*[]byte)
	leads, entries := append((*lb)[:0], '['), append((*eb)[:0], '[')
	check := make([]bool, len(batch))
	for i, c := range batch {
		if i > 0 {
			leads, entries = append(leads, ','), append(entries, ',')
		}
		leads = insertLeads.AppendJSON(leads, c.lead)
		entries = audit.Entries().AppendJSON(entries, c.entry)
		check[i] = c.check
	}
	*lb, *eb = append(leads, ']'), append(entries, ']')
	return []any{check, *lb, *eb}, func() { jsonBuffers.Put(lb); jsonBuffers.Put(eb) }
}

// markWritten marks the creates of batch that were not written duplicates.
func markWritten(batch []*pendingCreate, written map[string]bool) {
	for _, c := range batch {
		c.duplicate = !written[c.lead.ID]
	}
}

// jsonBuffers keep the JSON of batches between writes (a batch's JSON is
// kilobytes, and every create would otherwise grow fresh buffers).
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// createBatchPG writes a batch of creates on PostgreSQL.
var createBatchPG = func() *db.Hot {
	cols := strings.Join(insertLeads.Columns(), ", ")
	entryCols := strings.Join(audit.Entries().Columns(), ", ")
	return db.NewHotFor(db.Postgres, `WITH v AS (SELECT r.*, (?::boolean[])[r.ordinality] AS chk
			FROM json_populate_recordset(NULL::leads, ?::json) WITH ORDINALITY AS r),
		l AS (INSERT INTO leads (`+cols+`) SELECT `+cols+` FROM v
			WHERE NOT (v.chk AND `+duplicateKeys("v.tenant_id", "v.phone_key", "v.email_key", "v.company_key")+`) RETURNING id)
		INSERT INTO audit_log (`+entryCols+`) SELECT `+entryCols+` FROM json_populate_recordset(NULL::audit_log, ?::json) AS e
			WHERE e.object_id IN (SELECT id FROM l) RETURNING object_id`)
}()
