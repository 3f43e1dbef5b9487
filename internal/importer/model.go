// Package importer imports leads from CSV (UTF-8 or GB18030) and XLSX
// files: upload with a preview and a suggested column mapping, then start
// with a mapping and a duplicate policy. Rows are read streaming and written
// in chunks, each chunk in one transaction with multi-row INSERTs; a bad row
// is recorded in import_errors and never fails the file.
//
// Duplicates: each row's phone and email keys are looked up among the
// tenant's leads, and its phone, email and company keys among its customers
// (their own keys and their contacts' phone and email), whoever owns them.
// skip skips a row matching either; update updates a matching lead (in the
// importer's scope) and skips a row matching only a customer, since a lead
// import never edits customers; create creates the lead anyway. Every row
// that matched gets a "duplicate" row in import_errors saying what it
// matched and what was done, served with the refused rows (kind "error")
// by the per-row report (errors.csv); a lead or customer outside the
// importer's data scope is named by kind only.
//
// Cancel: a running import is cancelled by setting its status; the chunk
// being written then fails to move the counters, is rolled back, and the
// worker stops. Chunks already committed stay.
//
// History: an import writes one audit entry (object type "import", when it
// ends) with its counters, not one per lead; leads created or updated by an
// import therefore have no per-lead audit entry of their own.
//
// Restarts: an import runs in the request (small files) or in a goroutine
// of the instance that started it. A running import whose progress has not
// moved for StaleAfter is taken for one whose instance died: it is marked
// failed (not resumed) when read and when a server starts; the rows of the
// chunks already committed stay imported and the failure says how far it got.
package importer

import (
	"encoding/json"
	"time"

	"github.com/uptrace/bun"
)

// Import statuses.
const (
	StatusUploaded = "uploaded"
	StatusRunning  = "running"
	StatusDone     = "done"
	StatusFailed   = "failed"
	// StatusCancelled: stopped on request after the chunk being written;
	// the rows of the chunks already committed stay imported.
	StatusCancelled = "cancelled"
)

// ImportJob is one uploaded file and its progress.
type ImportJob struct {
	bun.BaseModel   `bun:"table:imports,alias:im"`
	ID              string            `bun:"id,pk" json:"id"`
	TenantID        string            `bun:"tenant_id" json:"-"`
	CreatedBy       string            `bun:"created_by" json:"created_by"`
	DepartmentID    *string           `bun:"department_id" json:"-"`
	Kind            string            `bun:"kind" json:"kind" enum:"leads"`
	FileName        string            `bun:"file_name" json:"file_name"`
	Format          string            `bun:"format" json:"format" enum:"csv,xlsx"`
	Encoding        string            `bun:"encoding" json:"encoding" doc:"utf-8 or gb18030 for CSV; empty for XLSX."`
	BlobKey         string            `bun:"blob_key" json:"-"`
	Status          string            `bun:"status" json:"status" enum:"uploaded,running,done,failed,cancelled"`
	ColumnsJSON     string            `bun:"columns" json:"-"`
	Columns         []string          `bun:"-" json:"columns" nullable:"false" doc:"The header row; mapping keys are indexes into it (or its names)."`
	MappingJSON     string            `bun:"mapping" json:"-"`
	Mapping         map[string]string `bun:"-" json:"mapping" doc:"Column index or header name → lead field, as started."`
	DuplicatePolicy string            `bun:"duplicate_policy" json:"duplicate_policy" enum:"skip,update,create"`
	TotalRows       int               `bun:"total_rows" json:"total_rows" doc:"Data rows in the file (blank rows not counted)."`
	ProcessedRows   int               `bun:"processed_rows" json:"processed_rows"`
	CreatedRows     int               `bun:"created_rows" json:"created_rows"`
	UpdatedRows     int               `bun:"updated_rows" json:"updated_rows"`
	SkippedRows     int               `bun:"skipped_rows" json:"skipped_rows"`
	ErrorRows       int               `bun:"error_rows" json:"error_rows"`
	Failure         string            `bun:"failure" json:"failure,omitempty" doc:"Why a failed import stopped."`
	CreatedAt       time.Time         `bun:"created_at" json:"created_at"`
	UpdatedAt       time.Time         `bun:"updated_at" json:"updated_at"`
	FinishedAt      *time.Time        `bun:"finished_at" json:"finished_at"`
	Version         int64             `bun:"version" json:"version"`
}

func (j *ImportJob) decode() {
	j.Columns, j.Mapping = []string{}, map[string]string{}
	_ = json.Unmarshal([]byte(j.ColumnsJSON), &j.Columns)
	_ = json.Unmarshal([]byte(j.MappingJSON), &j.Mapping)
}

// importError is one row of import_errors.
type importError struct {
	bun.BaseModel `bun:"table:import_errors"`
	ImportID      string `bun:"import_id"`
	TenantID      string `bun:"tenant_id"`
	RowNumber     int    `bun:"row_number"`
	Field         string `bun:"field"`
	Value         string `bun:"value"`
	Message       string `bun:"message"`
	Kind          string `bun:"kind"`
}
