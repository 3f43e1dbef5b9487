-- +goose Up
-- Activities keep copies of their subject's owner and department
-- (subject_owner_id, subject_department_id), which the data scope filters
-- on. These triggers keep the copies in step whenever a lead, customer,
-- contact or opportunity changes owner or department, whatever the write
-- (a reassignment, a claim, a return to a pool, an offboarding, a user moved
-- to another department), inside the transaction of that write. One rule in
-- the schema rather than a call in every feature that moves records: a new
-- way to move a record cannot forget it. The copies are not fields of the
-- activities (not in the API or their audit), so the version stays.
-- +goose StatementBegin
CREATE TRIGGER leads_activity_copies AFTER UPDATE OF owner_id, department_id ON leads
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.department_id IS NOT NEW.department_id
BEGIN
    UPDATE activities SET subject_owner_id = NEW.owner_id, subject_department_id = NEW.department_id
    WHERE tenant_id = NEW.tenant_id AND subject_type = 'lead' AND subject_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_activity_copies AFTER UPDATE OF owner_id, department_id ON customers
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.department_id IS NOT NEW.department_id
BEGIN
    UPDATE activities SET subject_owner_id = NEW.owner_id, subject_department_id = NEW.department_id
    WHERE tenant_id = NEW.tenant_id AND subject_type = 'customer' AND subject_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_activity_copies AFTER UPDATE OF owner_id, department_id ON contacts
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.department_id IS NOT NEW.department_id
BEGIN
    UPDATE activities SET subject_owner_id = NEW.owner_id, subject_department_id = NEW.department_id
    WHERE tenant_id = NEW.tenant_id AND subject_type = 'contact' AND subject_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opportunities_activity_copies AFTER UPDATE OF owner_id, department_id ON opportunities
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.department_id IS NOT NEW.department_id
BEGIN
    UPDATE activities SET subject_owner_id = NEW.owner_id, subject_department_id = NEW.department_id
    WHERE tenant_id = NEW.tenant_id AND subject_type = 'opportunity' AND subject_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER leads_activity_copies;
DROP TRIGGER customers_activity_copies;
DROP TRIGGER contacts_activity_copies;
DROP TRIGGER opportunities_activity_copies;
