-- +goose Up
-- Imports can be cancelled (status 'cancelled'), and import_errors also
-- keeps the duplicate notes of an import (kind 'duplicate': a row skipped,
-- updated or created while it matches an existing lead or customer) next
-- to the refused rows (kind 'error'). SQLite cannot change a CHECK in
-- place: both tables are rebuilt. The child goes first, so dropping the
-- parent cascades to nothing; renaming imports_new rewrites the child's
-- reference to it.
CREATE TABLE imports_new (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id),
    created_by        TEXT NOT NULL REFERENCES users(id),
    department_id     TEXT,
    kind              TEXT NOT NULL CHECK (kind IN ('leads')),
    file_name         TEXT NOT NULL DEFAULT '',
    format            TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    encoding          TEXT NOT NULL DEFAULT '',
    blob_key          TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('uploaded', 'running', 'done', 'failed', 'cancelled')),
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
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    version           INTEGER NOT NULL DEFAULT 1
);
INSERT INTO imports_new SELECT * FROM imports;
CREATE TABLE import_errors_new (
    import_id   TEXT NOT NULL REFERENCES imports_new(id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    field       TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'error' CHECK (kind IN ('error', 'duplicate'))
);
INSERT INTO import_errors_new (import_id, tenant_id, row_number, field, value, message)
    SELECT import_id, tenant_id, row_number, field, value, message FROM import_errors;
DROP TABLE import_errors;
DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;
ALTER TABLE import_errors_new RENAME TO import_errors;
CREATE INDEX imports_tenant_id ON imports (tenant_id, id);
CREATE INDEX imports_status ON imports (status, updated_at);
CREATE INDEX import_errors_import ON import_errors (import_id, row_number);

-- +goose Down
CREATE TABLE imports_old (
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
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    version           INTEGER NOT NULL DEFAULT 1
);
INSERT INTO imports_old SELECT id, tenant_id, created_by, department_id, kind, file_name, format, encoding, blob_key,
    CASE status WHEN 'cancelled' THEN 'failed' ELSE status END, columns, mapping, duplicate_policy, total_rows,
    processed_rows, created_rows, updated_rows, skipped_rows, error_rows, failure, created_at, updated_at, finished_at, version
    FROM imports;
CREATE TABLE import_errors_old (
    import_id   TEXT NOT NULL REFERENCES imports_old(id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    field       TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL
);
INSERT INTO import_errors_old SELECT import_id, tenant_id, row_number, field, value, message FROM import_errors WHERE kind = 'error';
DROP TABLE import_errors;
DROP TABLE imports;
ALTER TABLE imports_old RENAME TO imports;
ALTER TABLE import_errors_old RENAME TO import_errors;
CREATE INDEX imports_tenant_id ON imports (tenant_id, id);
CREATE INDEX imports_status ON imports (status, updated_at);
CREATE INDEX import_errors_import ON import_errors (import_id, row_number);
