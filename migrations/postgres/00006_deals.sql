-- +goose Up
-- Deals: pipelines with their stages, opportunities, their contacts and
-- required tasks, and the stage history.
-- Pipelines (销售流程): each tenant has a default one and may define more.
-- At most one default per tenant.
CREATE TABLE pipelines (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    name        TEXT NOT NULL,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX pipelines_tenant_name ON pipelines (tenant_id, name);
CREATE UNIQUE INDEX pipelines_tenant_default ON pipelines (tenant_id) WHERE is_default;

-- Stages of a pipeline in position order: the open stages first, then one
-- won and one lost stage. probability is the default win probability in
-- percent; rot_days (0: never) is how long an opportunity may sit in the
-- stage without activity before it counts as stalled; required_tasks is a
-- JSON list of task names that must be done before an opportunity moves
-- forward out of the stage (the exit gate).
CREATE TABLE stages (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    pipeline_id     TEXT NOT NULL REFERENCES pipelines(id),
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    probability     INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    kind            TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    rot_days        INTEGER NOT NULL DEFAULT 0 CHECK (rot_days >= 0),
    required_tasks  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX stages_tenant_pipeline ON stages (tenant_id, pipeline_id, position);

-- Opportunities (商机). amount is in minor units of currency (分 for CNY).
-- expected_close is a date as text YYYY-MM-DD on both engines. owner_id and
-- department_id carry the data scope like on customers. The five evaluation
-- scores are 1-5 or absent, health_score is derived from them (0-100).
-- stage_entered_at is when the opportunity entered its current stage;
-- rots_at is when it counts as stalled (the later of last_activity_at and
-- stage_entered_at plus the stage's rot_days; absent when the stage never
-- rots), kept in step by every write that moves either time.
CREATE TABLE opportunities (
    id                    TEXT PRIMARY KEY,
    tenant_id             TEXT NOT NULL REFERENCES tenants(id),
    pipeline_id           TEXT NOT NULL REFERENCES pipelines(id),
    stage_id              TEXT NOT NULL REFERENCES stages(id),
    customer_id           TEXT NOT NULL REFERENCES customers(id),
    name                  TEXT NOT NULL,
    amount                BIGINT NOT NULL CHECK (amount >= 0),
    currency              TEXT NOT NULL,
    expected_close        TEXT NOT NULL,
    owner_id              TEXT REFERENCES users(id),
    department_id         TEXT,
    forecast_category     TEXT NOT NULL CHECK (forecast_category IN ('pipeline', 'best_case', 'commit', 'closed', 'omitted')),
    need_score            INTEGER CHECK (need_score BETWEEN 1 AND 5),
    need_note             TEXT NOT NULL DEFAULT '',
    budget_score          INTEGER CHECK (budget_score BETWEEN 1 AND 5),
    budget_note           TEXT NOT NULL DEFAULT '',
    decision_chain_score  INTEGER CHECK (decision_chain_score BETWEEN 1 AND 5),
    decision_chain_note   TEXT NOT NULL DEFAULT '',
    timeline_score        INTEGER CHECK (timeline_score BETWEEN 1 AND 5),
    timeline_note         TEXT NOT NULL DEFAULT '',
    competitive_score     INTEGER CHECK (competitive_score BETWEEN 1 AND 5),
    competitive_note      TEXT NOT NULL DEFAULT '',
    health_score          INTEGER CHECK (health_score BETWEEN 0 AND 100),
    competitor            TEXT NOT NULL DEFAULT '',
    win_loss_reason       TEXT NOT NULL DEFAULT '',
    last_activity_at      TIMESTAMPTZ,
    stage_entered_at      TIMESTAMPTZ NOT NULL,
    rots_at               TIMESTAMPTZ,
    created_by            TEXT NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    version               BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX opportunities_tenant_id ON opportunities (tenant_id, id);
CREATE INDEX opportunities_tenant_owner ON opportunities (tenant_id, owner_id, id);
CREATE INDEX opportunities_tenant_department ON opportunities (tenant_id, department_id, id);
CREATE INDEX opportunities_tenant_stage ON opportunities (tenant_id, stage_id, id);
CREATE INDEX opportunities_tenant_pipeline ON opportunities (tenant_id, pipeline_id, id);
CREATE INDEX opportunities_tenant_customer ON opportunities (tenant_id, customer_id, id);
CREATE INDEX opportunities_tenant_close ON opportunities (tenant_id, expected_close, id);
CREATE INDEX opportunities_tenant_amount ON opportunities (tenant_id, amount, id);
CREATE INDEX opportunities_tenant_rots ON opportunities (tenant_id, rots_at) WHERE rots_at IS NOT NULL;

-- Contacts involved in an opportunity (contacts of its customer).
CREATE TABLE opportunity_contacts (
    opportunity_id  TEXT NOT NULL REFERENCES opportunities(id),
    contact_id      TEXT NOT NULL REFERENCES contacts(id),
    PRIMARY KEY (opportunity_id, contact_id)
);
CREATE INDEX opportunity_contacts_contact ON opportunity_contacts (contact_id);

-- The required tasks of a stage, made for an opportunity when it first
-- enters the stage; done_at is set when someone ticks one.
CREATE TABLE opportunity_tasks (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    opportunity_id  TEXT NOT NULL REFERENCES opportunities(id),
    stage_id        TEXT NOT NULL REFERENCES stages(id),
    name            TEXT NOT NULL,
    done_at         TIMESTAMPTZ,
    done_by         TEXT REFERENCES users(id),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX opportunity_tasks_stage_name ON opportunity_tasks (opportunity_id, stage_id, name);

-- Every stage an opportunity entered: from_stage_id is absent for the stage
-- it was created in. amount/currency are the opportunity's at the time.
CREATE TABLE stage_history (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    opportunity_id  TEXT NOT NULL REFERENCES opportunities(id),
    from_stage_id   TEXT REFERENCES stages(id),
    to_stage_id     TEXT NOT NULL REFERENCES stages(id),
    at              TIMESTAMPTZ NOT NULL,
    actor_id        TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    currency        TEXT NOT NULL
);
CREATE INDEX stage_history_opportunity ON stage_history (tenant_id, opportunity_id, at);

-- Every existing tenant gets the default pipeline (new tenants get it when
-- they are created). pipeline.manage joins the admin and director roles.
INSERT INTO pipelines (id, tenant_id, name, is_default, created_at, updated_at, version)
SELECT gen_random_uuid()::text, t.id, '默认销售流程', TRUE, now(), now(), 1 FROM tenants t;
INSERT INTO stages (id, tenant_id, pipeline_id, position, name, probability, kind, rot_days, required_tasks)
SELECT gen_random_uuid()::text, p.tenant_id, p.id, s.position, s.name, s.probability, s.kind, s.rot_days, s.required_tasks
FROM pipelines p CROSS JOIN (
    SELECT 1 AS position, '初步接洽' AS name, 10 AS probability, 'open' AS kind, 14 AS rot_days, '[]' AS required_tasks
    UNION ALL SELECT 2, '需求确认', 25, 'open', 14, '["确认预算","确认决策人"]'
    UNION ALL SELECT 3, '报价', 50, 'open', 10, '["提交报价单"]'
    UNION ALL SELECT 4, '拟定合同', 75, 'open', 10, '[]'
    UNION ALL SELECT 5, '赢单', 100, 'won', 0, '[]'
    UNION ALL SELECT 6, '输单', 0, 'lost', 0, '[]'
) s;
UPDATE roles SET permissions = replace(permissions, '"deal.write"', '"deal.write","pipeline.manage"')
WHERE builtin AND key IN ('admin', 'director') AND permissions NOT LIKE '%"pipeline.manage"%';

-- +goose Down
UPDATE roles SET permissions = replace(permissions, ',"pipeline.manage"', '');
DROP TABLE stage_history;
DROP TABLE opportunity_tasks;
DROP TABLE opportunity_contacts;
DROP TABLE opportunities;
DROP TABLE stages;
DROP TABLE pipelines;
