-- +goose Up
-- Nothing on PostgreSQL: leads_tenant_last_follow_up_desc is the index its
-- "most recently followed up first" list walks (migration 00014). SQLite's
-- migration of this number drops the index there, where it is redundant;
-- this one keeps the two dialects' migrations numbered alike.
SELECT 1;

-- +goose Down
SELECT 1;
