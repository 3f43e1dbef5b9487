-- +goose Up
-- Less index upkeep per new lead, most of all per imported lead.
--
-- The search index (00018) took each new lead from a trigger, row by row.
-- FTS5 writes its pending terms out at the start of every statement that
-- touches it, so an import's multi-row INSERTs each left a small segment
-- (twenty per 2,000-row chunk), and merging those cost more than the
-- indexing itself. Imported leads (import_id set) are now indexed by the
-- importer, one INSERT … SELECT per chunk, in the chunk's transaction: a
-- lead is searchable exactly when it exists, as before. Every other insert
-- still goes through the trigger.
DROP TRIGGER lead_search_insert;
-- +goose StatementBegin
CREATE TRIGGER lead_search_insert AFTER INSERT ON leads WHEN new.import_id IS NULL BEGIN
    INSERT INTO lead_search (rowid, contact_name, company, phone, email)
    VALUES (new.rowid, new.contact_name, new.company, new.phone, new.email);
END;
-- +goose StatementEnd

-- A new lead has no next follow-up and no pool, and the only reads of these
-- two indexes are a next-follow-up window and a pool (conditions no NULL
-- meets): a lead enters them when it gets one, not on every insert.
DROP INDEX leads_tenant_next_follow_up;
CREATE INDEX leads_tenant_next_follow_up ON leads (tenant_id, next_follow_up_at, id) WHERE next_follow_up_at IS NOT NULL;
DROP INDEX leads_tenant_pool;
CREATE INDEX leads_tenant_pool ON leads (tenant_id, pool_id, id) WHERE pool_id IS NOT NULL;

-- +goose Down
DROP INDEX leads_tenant_pool;
CREATE INDEX leads_tenant_pool ON leads (tenant_id, pool_id, id);
DROP INDEX leads_tenant_next_follow_up;
CREATE INDEX leads_tenant_next_follow_up ON leads (tenant_id, next_follow_up_at, id);
DROP TRIGGER lead_search_insert;
-- +goose StatementBegin
CREATE TRIGGER lead_search_insert AFTER INSERT ON leads BEGIN
    INSERT INTO lead_search (rowid, contact_name, company, phone, email)
    VALUES (new.rowid, new.contact_name, new.company, new.phone, new.email);
END;
-- +goose StatementEnd
