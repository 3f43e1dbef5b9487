-- +goose Up
-- Deleting an activity, or moving its reminder time, removes its reminders
-- from the inbox by link_id (so does a customer delete, for all of its
-- activities at once); without this index that read the tenant's whole inbox.
CREATE INDEX inbox_items_link ON inbox_items (tenant_id, link_type, link_id);

-- +goose Down
DROP INDEX inbox_items_link;
