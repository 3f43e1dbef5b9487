-- +goose Up
-- Web-to-lead forms and the customer scoring model are tenant settings kept by
-- admins and directors. Built-in roles made before these permissions existed
-- get them now (the stored lists are the JSON the server wrote; built-in roles
-- are not editable).
UPDATE roles SET permissions = REPLACE(permissions, '"token.manage"', '"token.manage","webform.manage","scoring.manage"')
    WHERE builtin = TRUE AND key IN ('admin', 'director') AND permissions NOT LIKE '%"webform.manage"%';

-- +goose Down
UPDATE roles SET permissions = REPLACE(REPLACE(permissions, ',"webform.manage"', ''), ',"scoring.manage"', '')
    WHERE builtin = TRUE;
