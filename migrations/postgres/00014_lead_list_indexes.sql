-- +goose Up
-- "Most recently followed up first" puts leads never followed up last
-- (DESC NULLS LAST). PostgreSQL walks an ascending index backwards with the
-- NULLs first, so without this index that list sorted every lead in the
-- caller's scope (0.6 s at 1M leads); SQLite keeps NULLs lowest, so its
-- backward walk already ends with them, and the index only keeps the two
-- schemas alike.
CREATE INDEX leads_tenant_last_follow_up_desc ON leads (tenant_id, last_follow_up_at DESC NULLS LAST, id DESC);

-- +goose Down
DROP INDEX leads_tenant_last_follow_up_desc;
