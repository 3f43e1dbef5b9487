-- +goose Up
-- Activities (跟进): calls, visits, meetings, emails, notes and tasks against
-- a lead, customer, contact or opportunity. subject_owner_id and
-- subject_department_id are the subject's owner and department, copied when
-- the activity is written, so the data scope filters on indexed columns of
-- this table like it does on leads. owner_id is who does the activity (a
-- task's assignee). occurred_at is when a done activity happened; due_at is
-- when a task or visit plan is due; remind_at is when the owner is reminded
-- in the inbox, and reminded_at records that the reminder was sent (set in
-- the same transaction as the inbox item, so a reminder is sent once).
-- Visits carry a goal, an advance commitment (晋级承诺), preparation notes and,
-- once done, the outcome and whether the commitment was won. No foreign key
-- on subject_id: it points into one of several tables, checked on write.
CREATE TABLE activities (
    id                     TEXT PRIMARY KEY,
    tenant_id              TEXT NOT NULL REFERENCES tenants(id),
    kind                   TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'meeting', 'email', 'note', 'task')),
    subject_type           TEXT NOT NULL CHECK (subject_type IN ('lead', 'customer', 'contact', 'opportunity')),
    subject_id             TEXT NOT NULL,
    subject_owner_id       TEXT,
    subject_department_id  TEXT,
    title                  TEXT NOT NULL,
    body                   TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
    occurred_at            TIMESTAMP,
    due_at                 TIMESTAMP,
    remind_at              TIMESTAMP,
    reminded_at            TIMESTAMP,
    done_at                TIMESTAMP,
    goal                   TEXT NOT NULL DEFAULT '',
    commitment             TEXT NOT NULL DEFAULT '',
    preparation            TEXT NOT NULL DEFAULT '',
    outcome                TEXT NOT NULL DEFAULT '',
    commitment_won         BOOLEAN,
    owner_id               TEXT NOT NULL REFERENCES users(id),
    created_by             TEXT NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX activities_tenant_id ON activities (tenant_id, id);
CREATE INDEX activities_tenant_subject ON activities (tenant_id, subject_type, subject_id, id);
CREATE INDEX activities_tenant_subject_owner ON activities (tenant_id, subject_owner_id, id);
CREATE INDEX activities_tenant_subject_department ON activities (tenant_id, subject_department_id, id);
CREATE INDEX activities_tenant_owner_due ON activities (tenant_id, owner_id, due_at);
CREATE INDEX activities_tenant_occurred ON activities (tenant_id, occurred_at, id);
CREATE INDEX activities_due_reminders ON activities (remind_at) WHERE reminded_at IS NULL AND status = 'planned';

-- In-app inbox: reminders (and later other notices) for one user. link_type
-- and link_id name what the item is about (an activity).
CREATE TABLE inbox_items (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    link_type   TEXT NOT NULL DEFAULT '',
    link_id     TEXT NOT NULL DEFAULT '',
    due_at      TIMESTAMP,
    read_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX inbox_items_tenant_user ON inbox_items (tenant_id, user_id, id);

-- When a customer was last followed up (customers have no pool clock yet).
ALTER TABLE customers ADD COLUMN last_activity_at TIMESTAMP;

-- Built-in roles made before these permissions existed get them now (the
-- stored lists are the JSON the server wrote; built-in roles are not editable).
UPDATE roles SET permissions = REPLACE(permissions, '"customer.write"', '"customer.write","activity.read","activity.write"')
    WHERE builtin = TRUE AND key IN ('admin', 'director', 'manager', 'rep') AND permissions NOT LIKE '%"activity.read"%';
UPDATE roles SET permissions = REPLACE(permissions, '"customer.read"', '"customer.read","activity.read"')
    WHERE builtin = TRUE AND key IN ('finance', 'viewer') AND permissions NOT LIKE '%"activity.read"%';

-- +goose Down
UPDATE roles SET permissions = REPLACE(REPLACE(REPLACE(permissions, ',"activity.write"', ''), ',"activity.read"', ''), '"activity.read",', '')
    WHERE builtin = TRUE;
ALTER TABLE customers DROP COLUMN last_activity_at;
DROP TABLE inbox_items;
DROP TABLE activities;
