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
CREATE FUNCTION activities_follow_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE activities SET subject_owner_id = NEW.owner_id, subject_department_id = NEW.department_id
    WHERE tenant_id = NEW.tenant_id AND subject_type = TG_ARGV[0] AND subject_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER leads_activity_copies AFTER UPDATE OF owner_id, department_id ON leads FOR EACH ROW
    WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION activities_follow_subject('lead');
CREATE TRIGGER customers_activity_copies AFTER UPDATE OF owner_id, department_id ON customers FOR EACH ROW
    WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION activities_follow_subject('customer');
CREATE TRIGGER contacts_activity_copies AFTER UPDATE OF owner_id, department_id ON contacts FOR EACH ROW
    WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION activities_follow_subject('contact');
CREATE TRIGGER opportunities_activity_copies AFTER UPDATE OF owner_id, department_id ON opportunities FOR EACH ROW
    WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION activities_follow_subject('opportunity');

-- +goose Down
DROP TRIGGER leads_activity_copies ON leads;
DROP TRIGGER customers_activity_copies ON customers;
DROP TRIGGER contacts_activity_copies ON contacts;
DROP TRIGGER opportunities_activity_copies ON opportunities;
DROP FUNCTION activities_follow_subject();
