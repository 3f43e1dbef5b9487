-- +goose Up
-- Customer pools (客户公海): the lead pools' mechanics for customers. A pool
-- has a kind: a lead pool holds leads, a customer pool holds customers; the
-- members, claim limit, clocks and cooldown mean the same for both (the
-- claim limit of a customer pool counts the customers a rep owns). Existing
-- pools are lead pools. Customer pools are switched off per tenant until an
-- admin turns them on (tenants.customer_pools_enabled).
ALTER TABLE pools ADD COLUMN kind TEXT NOT NULL DEFAULT 'lead' CHECK (kind IN ('lead', 'customer'));
ALTER TABLE tenants ADD COLUMN customer_pools_enabled BOOLEAN NOT NULL DEFAULT FALSE;

-- A customer is owned or pooled, never both; while pooled its department_id
-- is the pool's department (as for leads), so the department scope applies.
ALTER TABLE customers ADD COLUMN pool_id TEXT REFERENCES pools(id) CHECK (pool_id IS NULL OR owner_id IS NULL);
ALTER TABLE customers ADD COLUMN pooled_at TIMESTAMPTZ;
ALTER TABLE customers ADD COLUMN assigned_at TIMESTAMPTZ;
CREATE INDEX customers_tenant_pool ON customers (tenant_id, pool_id, id);

-- Every change of a customer's owner or pool, like lead_pool_events.
CREATE TABLE customer_pool_events (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    customer_id  TEXT NOT NULL,
    pool_id      TEXT,
    kind         TEXT NOT NULL CHECK (kind IN ('claim', 'return', 'auto_return', 'assign')),
    user_id      TEXT,
    actor_id     TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX customer_pool_events_tenant_customer ON customer_pool_events (tenant_id, customer_id, id);

-- +goose Down
DROP TABLE customer_pool_events;
DROP INDEX customers_tenant_pool;
ALTER TABLE customers DROP COLUMN assigned_at;
ALTER TABLE customers DROP COLUMN pooled_at;
ALTER TABLE customers DROP COLUMN pool_id;
ALTER TABLE tenants DROP COLUMN customer_pools_enabled;
ALTER TABLE pools DROP COLUMN kind;
