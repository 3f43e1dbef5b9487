package lead

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
)

// importOrigin is the history entry of a lead an import created: imports
// write one audit entry for all the leads they create, so the lead's own
// history would otherwise start with nothing. It says who ran the import
// and when, and names the import and its file. Other leads: nil.
func (s *Service) importOrigin(ctx context.Context, id string) (*audit.Entry, error) {
	var o struct {
		CreatedBy string    `bun:"created_by"`
		CreatedAt time.Time `bun:"created_at"`
		ImportID  string    `bun:"import_id"`
		FileName  string    `bun:"file_name"`
		ActorName string    `bun:"actor_name"`
	}
	err := s.DB.R(ctx).NewSelect().TableExpr("leads AS l").
		Join("JOIN imports AS i ON i.id = l.import_id AND i.tenant_id = l.tenant_id").
		Join("LEFT JOIN users AS u ON u.id = l.created_by AND u.tenant_id = l.tenant_id").
		ColumnExpr("l.created_by, l.created_at, l.import_id, i.file_name, COALESCE(u.name, '') AS actor_name").
		Where("l.tenant_id = ? AND l.id = ?", auth.From(ctx).TenantID, id).Scan(ctx, &o)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &audit.Entry{ID: "import-" + o.ImportID, At: o.CreatedAt.UTC(), ActorID: o.CreatedBy, ActorName: o.ActorName,
		Action: audit.Create, ObjectType: "lead", ObjectID: id, Changes: []audit.Change{
			{Field: "import_id", New: o.ImportID}, {Field: "import_file_name", New: o.FileName}}}, nil
}
