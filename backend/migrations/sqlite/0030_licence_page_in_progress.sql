-- The public licence page shows the items still in progress (办理中): an item's state changing,
-- an addition filed or its intake decided notes the enterprise, as the other tables the page
-- reads do (0024). The additions of an enterprise are found by their column.
CREATE INDEX applications_enterprise ON applications (enterprise_id) WHERE enterprise_id IS NOT NULL;

CREATE TRIGGER sub_applications_licence_page_insert AFTER INSERT ON sub_applications
    BEGIN
        INSERT INTO licence_page_changes
            SELECT id FROM enterprises WHERE application_id = NEW.application_id
            UNION SELECT enterprise_id FROM applications WHERE id = NEW.application_id AND enterprise_id IS NOT NULL;
    END;
CREATE TRIGGER sub_applications_licence_page_update AFTER UPDATE OF status ON sub_applications
    BEGIN
        INSERT INTO licence_page_changes
            SELECT id FROM enterprises WHERE application_id = NEW.application_id
            UNION SELECT enterprise_id FROM applications WHERE id = NEW.application_id AND enterprise_id IS NOT NULL;
    END;
CREATE TRIGGER applications_licence_page_update AFTER UPDATE OF status ON applications
    WHEN NEW.enterprise_id IS NOT NULL
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.enterprise_id); END;
