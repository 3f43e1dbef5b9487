-- +goose Up
-- Less index upkeep per new lead, most of all per imported lead. (SQLite's
-- migration of this number also moves imported leads' search indexing into
-- the importer; here the search index is a GIN index that needs nothing.)
--
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
