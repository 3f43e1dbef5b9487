-- +goose Up
-- Exporting a list takes customer data out of the system, so it is a
-- permission of its own (lead.export, customer.export): admins, directors and
-- managers hold it, reps do not (a leaving rep cannot walk off with the
-- customer list). Built-in roles made before it existed get it now (the
-- stored lists are the JSON the server wrote; built-in roles are not editable).
UPDATE roles SET permissions = REPLACE(REPLACE(permissions, '"lead.assign"', '"lead.assign","lead.export"'),
        '"customer.write"', '"customer.write","customer.export"')
    WHERE builtin = TRUE AND key IN ('admin', 'director', 'manager') AND permissions NOT LIKE '%"lead.export"%';

-- +goose Down
UPDATE roles SET permissions = REPLACE(REPLACE(permissions, ',"lead.export"', ''), ',"customer.export"', '')
    WHERE builtin = TRUE;
