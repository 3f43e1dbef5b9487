-- +goose Up
-- Lead imports: one row per uploaded file. The file itself is kept in the
-- blob store (blob_key); mapping and columns are JSON text. Counters are
-- updated once per chunk of rows, so a reader sees the progress.
CREATE TABLE imports (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id),
    created_by        TEXT NOT NULL REFERENCES users(id),
    department_id     TEXT,
    kind              TEXT NOT NULL CHECK (kind IN ('leads')),
    file_name         TEXT NOT NULL DEFAULT '',
    format            TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    encoding          TEXT NOT NULL DEFAULT '',
    blob_key          TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('uploaded', 'running', 'done', 'failed')),
    columns           TEXT NOT NULL DEFAULT '[]',
    mapping           TEXT NOT NULL DEFAULT '{}',
    duplicate_policy  TEXT NOT NULL DEFAULT 'skip' CHECK (duplicate_policy IN ('skip', 'update', 'create')),
    total_rows        INTEGER NOT NULL DEFAULT 0,
    processed_rows    INTEGER NOT NULL DEFAULT 0,
    created_rows      INTEGER NOT NULL DEFAULT 0,
    updated_rows      INTEGER NOT NULL DEFAULT 0,
    skipped_rows      INTEGER NOT NULL DEFAULT 0,
    error_rows        INTEGER NOT NULL DEFAULT 0,
    failure           TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    version           BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX imports_tenant_id ON imports (tenant_id, id);
CREATE INDEX imports_status ON imports (status, updated_at);

-- One row per refused row of an import: the row number in the file (the
-- header is row 1), the field at fault and why.
CREATE TABLE import_errors (
    import_id   TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    field       TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL
);
CREATE INDEX import_errors_import ON import_errors (import_id, row_number);

-- +goose Down
DROP TABLE import_errors;
DROP TABLE imports;
