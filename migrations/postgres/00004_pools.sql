-- +goose Up
-- Territories: a region tree per tenant, kept like the department tree (a
-- materialized path of ids, so "this region and everything below" is one
-- LIKE on path). Leads and customers carry a region by name.
CREATE TABLE regions (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    parent_id   TEXT REFERENCES regions(id),
    path        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX regions_tenant_path ON regions (tenant_id, path);
CREATE INDEX regions_tenant_name ON regions (tenant_id, name);
CREATE UNIQUE INDEX regions_tenant_parent_name ON regions (tenant_id, parent_id, name);

-- Public pools (公海): leads without an owner, per department. claim_limit
-- bounds the open leads a rep may hold (all their open leads) for a claim to
-- pass; 0 means no limit. The day counts switch auto-return off at 0.
CREATE TABLE pools (
    id                              TEXT PRIMARY KEY,
    tenant_id                       TEXT NOT NULL REFERENCES tenants(id),
    department_id                   TEXT NOT NULL REFERENCES departments(id),
    name                            TEXT NOT NULL,
    claim_limit                     INTEGER NOT NULL DEFAULT 0 CHECK (claim_limit >= 0),
    return_after_days_no_follow_up  INTEGER NOT NULL DEFAULT 0 CHECK (return_after_days_no_follow_up >= 0),
    return_after_days_no_conversion INTEGER NOT NULL DEFAULT 0 CHECK (return_after_days_no_conversion >= 0),
    reclaim_cooldown_days           INTEGER NOT NULL DEFAULT 0 CHECK (reclaim_cooldown_days >= 0),
    enabled                         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at                      TIMESTAMPTZ NOT NULL,
    updated_at                      TIMESTAMPTZ NOT NULL,
    version                         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX pools_tenant_department ON pools (tenant_id, department_id, id);
CREATE UNIQUE INDEX pools_tenant_department_name ON pools (tenant_id, department_id, name);

CREATE TABLE pool_members (
    pool_id    TEXT NOT NULL REFERENCES pools(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    PRIMARY KEY (pool_id, user_id)
);
CREATE INDEX pool_members_user ON pool_members (user_id, pool_id);

-- Every change of a lead's owner or pool. user_id is the rep concerned: the
-- new owner of a claim or assign, the previous owner of a return; actor_id
-- is who did it ('system' for the periodic job). No foreign key on lead_id:
-- the history outlives a deleted lead, like the audit trail.
CREATE TABLE lead_pool_events (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    lead_id    TEXT NOT NULL,
    pool_id    TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('claim', 'return', 'auto_return', 'assign')),
    user_id    TEXT,
    actor_id   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX lead_pool_events_tenant_lead ON lead_pool_events (tenant_id, lead_id, id);

-- A lead is owned or pooled, never both.
ALTER TABLE leads ADD COLUMN pool_id TEXT REFERENCES pools(id) CHECK (pool_id IS NULL OR owner_id IS NULL);
ALTER TABLE leads ADD COLUMN pooled_at TIMESTAMPTZ;
ALTER TABLE leads ADD COLUMN assigned_at TIMESTAMPTZ;
CREATE INDEX leads_tenant_pool ON leads (tenant_id, pool_id, id);

-- Assignment rules, tried in position order (then id): conditions is a JSON
-- object {source, region, industry}, an empty value matching anything.
-- last_assigned_user_id is the round-robin cursor.
CREATE TABLE assignment_rules (
    id                     TEXT PRIMARY KEY,
    tenant_id              TEXT NOT NULL REFERENCES tenants(id),
    position               INTEGER NOT NULL,
    name                   TEXT NOT NULL,
    conditions             TEXT NOT NULL,
    department_id          TEXT NOT NULL REFERENCES departments(id),
    per_rep_cap            INTEGER NOT NULL DEFAULT 0 CHECK (per_rep_cap >= 0),
    enabled                BOOLEAN NOT NULL DEFAULT TRUE,
    last_assigned_user_id  TEXT,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    version                BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assignment_rules_tenant_position ON assignment_rules (tenant_id, position, id);

-- Periodic job runs: a row per run key (e.g. lead-return:{pool}:{date}),
-- inserted in the same transaction as the run's work, so whichever instance
-- inserts it does the work and every other one skips it.
CREATE TABLE job_runs (
    key          TEXT PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    result       TEXT NOT NULL DEFAULT ''
);

-- Built-in roles made before these permissions existed get them now (the
-- stored lists are the JSON the server wrote; built-in roles are not editable).
UPDATE roles SET permissions = REPLACE(permissions, '"lead.assign"', '"lead.assign","pool.manage","assignment.manage","region.write"')
    WHERE builtin = TRUE AND key IN ('admin', 'director') AND permissions NOT LIKE '%"pool.manage"%';
UPDATE roles SET permissions = REPLACE(permissions, '"lead.assign"', '"lead.assign","pool.manage"')
    WHERE builtin = TRUE AND key = 'manager' AND permissions NOT LIKE '%"pool.manage"%';

-- +goose Down
DROP TABLE job_runs;
DROP TABLE assignment_rules;
DROP INDEX leads_tenant_pool;
ALTER TABLE leads DROP COLUMN assigned_at;
ALTER TABLE leads DROP COLUMN pooled_at;
ALTER TABLE leads DROP COLUMN pool_id;
DROP TABLE lead_pool_events;
DROP TABLE pool_members;
DROP TABLE pools;
DROP TABLE regions;
