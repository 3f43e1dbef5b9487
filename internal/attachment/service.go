// Package attachment keeps files attached to customers, leads,
// opportunities and contacts: uploaded with a size limit, typed by sniffing
// their bytes against an allow-list, stored in the blob store, and served
// back as downloads. An attachment is seen by whoever sees its parent record.
package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/blob"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// MaxFileBytes is the largest attachment.
const MaxFileBytes = 20 << 20

// ErrTooLarge refuses a file over MaxFileBytes.
var ErrTooLarge = errors.New("the file is larger than 20 MiB, the limit for attachments")

// Attachment is one stored file on a record.
type Attachment struct {
	bun.BaseModel `bun:"table:attachments,alias:a"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	ObjectType    string    `bun:"object_type" json:"object_type" enum:"customer,lead,opportunity,contact"`
	ObjectID      string    `bun:"object_id" json:"object_id"`
	FileName      string    `bun:"file_name" json:"file_name"`
	ContentType   string    `bun:"content_type" json:"content_type" doc:"Sniffed from the content when it was uploaded."`
	Size          int64     `bun:"size" json:"size" doc:"Bytes."`
	SHA256        string    `bun:"sha256" json:"sha256" doc:"Hex SHA-256 of the content."`
	CreatedBy     string    `bun:"created_by" json:"created_by"`
	CreatedByName string    `bun:"created_by_name,scanonly" json:"created_by_name" audit:"-"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	Version       int64     `bun:"version" json:"version"`
}

// CurrentVersion is the record's version, sent as its ETag.
func (a *Attachment) CurrentVersion() int64 { return a.Version }

// blobKey is where an attachment's bytes are kept.
func blobKey(id string) string { return "attachments/" + id }

// parent is a type of record attachments hang on: its table and the
// permissions to read and to write it (and so its attachments).
type parent struct{ table, read, write string }

var parents = map[string]parent{
	"customer":    {"customers", "customer.read", "customer.write"},
	"contact":     {"contacts", "customer.read", "customer.write"},
	"lead":        {"leads", "lead.read", "lead.write"},
	"opportunity": {"opportunities", "deal.read", "deal.write"},
}

// parentTypes in a stable order, for queries and messages.
var parentTypes = []string{"customer", "contact", "lead", "opportunity"}

// Service is the attachment feature over its store and the blob store.
type Service struct {
	DB    *db.DB
	Blobs blob.Store
	Log   *slog.Logger
}

// visible is the condition "the caller may read the parent of attachment a":
// a parent type the caller's role reads, and a parent record in the caller's
// data scope, checked against the parent's current owner and department.
func visible(p *auth.Principal) (string, []any) {
	var conds []string
	var args []any
	for _, typ := range parentTypes {
		pt := parents[typ]
		if !p.Can(pt.read) {
			continue
		}
		scope, sargs := p.ScopeSQL("o.tenant_id", "o.owner_id", "o.department_id")
		conds = append(conds, "(a.object_type = '"+typ+"' AND EXISTS (SELECT 1 FROM "+pt.table+
			" AS o WHERE o.id = a.object_id AND "+scope+"))")
		args = append(args, sargs...)
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// attachments selects the attachments the caller may see, with the uploader's name.
func (s *Service) attachments(ctx context.Context) *bun.SelectQuery {
	p := auth.From(ctx)
	cond, args := visible(p)
	return s.DB.R(ctx).NewSelect().Model((*Attachment)(nil)).ColumnExpr("a.*").
		ColumnExpr("COALESCE(u.name, '') AS created_by_name").
		Join("LEFT JOIN users AS u ON u.id = a.created_by").
		Where("a.tenant_id = ?", p.TenantID).Where(cond, args...)
}

// Get returns one attachment the caller may see; any other is not found.
func (s *Service) Get(ctx context.Context, id string) (*Attachment, error) {
	var a Attachment
	err := s.attachments(ctx).Where("a.id = ?", id).Scan(ctx, &a)
	return &a, db.NotFound(err, "attachment")
}

// checkParent: the caller holds perm on the type and sees the record.
func (s *Service) checkParent(ctx context.Context, typ, id, perm, field string) error {
	pt, ok := parents[typ]
	if !ok {
		return apperr.Invalid(field+"object_type", "must be one of customer, lead, opportunity, contact")
	}
	p := auth.From(ctx)
	if !p.Can(perm) {
		return apperr.Forbidden("attachments of a %s need the permission %s", typ, perm)
	}
	if !ids.Valid(id) {
		return apperr.Invalid(field+"object_id", "must be the id of a %s", typ)
	}
	q := s.DB.R(ctx).NewSelect().TableExpr(pt.table+" AS o").Where("o.id = ?", id)
	n, err := p.Scoped(q, "o.tenant_id", "o.owner_id", "o.department_id").Count(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		if field == "query." {
			return apperr.NotFound(typ)
		}
		return apperr.Invalid(field+"object_id", "no %s of that id in your data scope", typ)
	}
	return nil
}

// List answers one keyset page (newest first) of the attachments of one
// record, or, when typ and id are empty, of every record the caller sees.
func (s *Service) List(ctx context.Context, typ, id string, limit int, cursor string) (httpx.Page[Attachment], error) {
	page := httpx.Page[Attachment]{Items: []Attachment{}}
	q := s.attachments(ctx)
	switch {
	case typ == "" && id == "":
	case typ == "":
		return page, apperr.Invalid("query.object_type", "is needed with object_id")
	case id == "":
		return page, apperr.Invalid("query.object_id", "is needed with object_type")
	default:
		if err := s.checkParent(ctx, typ, id, parents[typ].read, "query."); err != nil {
			return page, err
		}
		q = q.Where("a.object_type = ? AND a.object_id = ?", typ, id)
	}
	keys, err := httpx.DecodeCursor(cursor, "-created_at", 1)
	if err != nil {
		return page, err
	}
	if keys != nil {
		if !ids.Valid(keys[0]) {
			return page, apperr.Invalid("query.cursor", "is not a cursor this list gave out")
		}
		q = q.Where("a.id < ?", keys[0])
	}
	var rows []Attachment
	if err := q.OrderExpr("a.id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	page.Items = append(page.Items, rows...)
	if more {
		page.NextCursor = httpx.EncodeCursor("-created_at", rows[len(rows)-1].ID)
	}
	return page, nil
}

// Upload is one file to attach.
type Upload struct {
	ObjectType, ObjectID string
	FileName             string
	Size                 int64
	File                 io.ReaderAt
}

// Create stores a file on a record the caller may write: checked, typed by
// its content, written to the blob store, then recorded. The blob is written
// first so no row ever lacks its blob; a failed insert removes the blob.
func (s *Service) Create(ctx context.Context, in Upload) (*Attachment, error) {
	if err := s.checkParent(ctx, in.ObjectType, in.ObjectID, parents[in.ObjectType].write, "body."); err != nil {
		return nil, err
	}
	if in.Size > MaxFileBytes {
		return nil, ErrTooLarge
	}
	ct, err := Sniff(in.FileName, in.File, in.Size)
	if err != nil {
		return nil, err
	}
	p := auth.From(ctx)
	a := &Attachment{ID: ids.New(), TenantID: p.TenantID, ObjectType: in.ObjectType, ObjectID: in.ObjectID,
		FileName: cleanName(in.FileName), ContentType: ct, Size: in.Size, CreatedBy: p.UserID,
		CreatedAt: time.Now().UTC(), Version: 1}
	h := sha256.New()
	n, err := s.Blobs.Put(ctx, p.TenantID, blobKey(a.ID), io.TeeReader(io.NewSectionReader(in.File, 0, in.Size), h))
	if err != nil {
		return nil, fmt.Errorf("attachment: store: %w", err)
	}
	a.SHA256, a.Size = hex.EncodeToString(h.Sum(nil)), n
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "attachment", a.ID, audit.Diff(nil, a))
	})
	if err != nil {
		s.removeBlob(ctx, p.TenantID, a.ID)
		return nil, err
	}
	return s.Get(ctx, a.ID)
}

// Open returns an attachment the caller may see with its content.
func (s *Service) Open(ctx context.Context, id string) (*Attachment, blob.ReadSeekCloser, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Blobs.Get(ctx, a.TenantID, blobKey(a.ID))
	return a, r, err
}

// Delete removes an attachment at the caller's version: the row and its
// audit entry in one transaction, then the blob. A blob left behind by a
// crash in between is an orphan nobody can reach, never a row without bytes.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("attachment", old.Version, version); err != nil {
			return err
		}
		if w := parents[old.ObjectType].write; !p.Can(w) {
			return apperr.Forbidden("deleting an attachment of a %s needs the permission %s", old.ObjectType, w)
		}
		res, err := tx.NewDelete().Table("attachments").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "attachment", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "attachment", id, audit.Diff(old, nil))
	})
	if err != nil {
		return err
	}
	s.removeBlob(ctx, p.TenantID, id)
	return nil
}

func (s *Service) removeBlob(ctx context.Context, tenant, id string) {
	if err := s.Blobs.Delete(context.WithoutCancel(ctx), tenant, blobKey(id)); err != nil &&
		!errors.Is(err, blob.ErrNotFound) && s.Log != nil {
		s.Log.WarnContext(ctx, "attachment blob left behind", "attachment_id", id, "err", err)
	}
}

// MoveLeadAttachments is the lead merge hook of attachments: the merged
// leads' files become the survivor's.
func MoveLeadAttachments(ctx context.Context, tx bun.IDB, m lead.Merged) error {
	_, err := tx.NewUpdate().Table("attachments").Set("object_id = ?", m.IntoID).
		Where("tenant_id = ? AND object_type = 'lead' AND object_id IN (?)", m.TenantID, bun.In(m.FromIDs)).Exec(ctx)
	return err
}

// maxName bounds a stored file name, in characters.
const maxName = 200

// cleanName keeps the last path element of a client's file name, without
// control or format characters, at most maxName characters (the extension
// kept); "file" when nothing is left.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "")))
	if r := []rune(name); len(r) > maxName {
		ext := []rune(extOf(name))
		if len(ext) > 20 {
			ext = nil
		}
		name = string(r[:maxName-len(ext)]) + string(ext)
	}
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}
