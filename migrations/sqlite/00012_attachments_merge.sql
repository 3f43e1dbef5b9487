-- +goose Up
-- Lead merges. A merged lead is kept, not deleted, so its history stays
-- readable: merged_into_id names the lead it was merged into and merged_at
-- when. No foreign key on merged_into_id, for the reason lead_pool_events has
-- none: the record of a merge outlives a later delete of the surviving lead.
ALTER TABLE leads ADD COLUMN merged_into_id TEXT;
ALTER TABLE leads ADD COLUMN merged_at TIMESTAMP;
CREATE INDEX leads_tenant_merged_into ON leads (tenant_id, merged_into_id) WHERE merged_into_id IS NOT NULL;

-- Attachments: files on a customer, lead, opportunity or contact. The bytes
-- are in the blob store under attachments/<id>; content_type is what the
-- server sniffed from them, never what the client declared. No foreign key
-- on object_id: it points into one of several tables, checked on write (as
-- activities' subject_id). Attachments are never changed, only deleted; the
-- version is there so a delete takes If-Match like every other.
CREATE TABLE attachments (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    object_type   TEXT NOT NULL CHECK (object_type IN ('customer', 'lead', 'opportunity', 'contact')),
    object_id     TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size >= 0),
    sha256        TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX attachments_tenant_id ON attachments (tenant_id, id);
CREATE INDEX attachments_tenant_object ON attachments (tenant_id, object_type, object_id, id);

-- +goose Down
DROP TABLE attachments;
DROP INDEX leads_tenant_merged_into;
ALTER TABLE leads DROP COLUMN merged_at;
ALTER TABLE leads DROP COLUMN merged_into_id;
