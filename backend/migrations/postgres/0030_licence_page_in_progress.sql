-- The public licence page shows the items still in progress (办理中): an item's state changing,
-- an addition filed or its intake decided notes the enterprise and notifies every instance, as
-- the other tables the page reads do (0024). The additions of an enterprise are found by their
-- column.
CREATE INDEX applications_enterprise ON applications (enterprise_id) WHERE enterprise_id IS NOT NULL;

CREATE FUNCTION licence_changed_by_item() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e BIGINT;
BEGIN
    FOR e IN
        SELECT id FROM enterprises WHERE application_id = NEW.application_id
        UNION SELECT enterprise_id FROM applications WHERE id = NEW.application_id AND enterprise_id IS NOT NULL
    LOOP
        INSERT INTO licence_page_changes VALUES (e);
        PERFORM pg_notify('lianban_licence', e::text);
    END LOOP;
    RETURN NULL;
END $$;

CREATE FUNCTION licence_changed_by_addition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.enterprise_id IS NOT NULL THEN
        INSERT INTO licence_page_changes VALUES (NEW.enterprise_id);
        PERFORM pg_notify('lianban_licence', NEW.enterprise_id::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER sub_applications_licence_page AFTER INSERT OR UPDATE OF status ON sub_applications
    FOR EACH ROW EXECUTE FUNCTION licence_changed_by_item();
CREATE TRIGGER applications_licence_page AFTER UPDATE OF status ON applications
    FOR EACH ROW EXECUTE FUNCTION licence_changed_by_addition();
