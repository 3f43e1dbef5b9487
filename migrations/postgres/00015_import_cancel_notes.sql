-- +goose Up
-- Imports can be cancelled (status 'cancelled'), and import_errors also
-- keeps the duplicate notes of an import (kind 'duplicate': a row skipped,
-- updated or created while it matches an existing lead or customer) next
-- to the refused rows (kind 'error').
ALTER TABLE imports DROP CONSTRAINT imports_status_check;
ALTER TABLE imports ADD CONSTRAINT imports_status_check
    CHECK (status IN ('uploaded', 'running', 'done', 'failed', 'cancelled'));
ALTER TABLE import_errors ADD COLUMN kind TEXT NOT NULL DEFAULT 'error' CHECK (kind IN ('error', 'duplicate'));

-- +goose Down
DELETE FROM import_errors WHERE kind = 'duplicate';
ALTER TABLE import_errors DROP COLUMN kind;
UPDATE imports SET status = 'failed' WHERE status = 'cancelled';
ALTER TABLE imports DROP CONSTRAINT imports_status_check;
ALTER TABLE imports ADD CONSTRAINT imports_status_check CHECK (status IN ('uploaded', 'running', 'done', 'failed'));
