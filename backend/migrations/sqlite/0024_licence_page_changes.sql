-- A licence's public page is kept in memory until its rows change: each table the page reads
-- notes the enterprise here, and the transaction that made the change drains the list just
-- before it commits, evicting those pages just after (db::Tx::commit). PostgreSQL's triggers
-- also notify every other instance; SQLite has one.
CREATE TABLE licence_page_changes (
    enterprise_id BIGINT NOT NULL
);

CREATE TRIGGER enterprises_licence_page_insert AFTER INSERT ON enterprises
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.id); END;
CREATE TRIGGER enterprises_licence_page_update AFTER UPDATE ON enterprises
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.id); END;
CREATE TRIGGER enterprises_licence_page_delete AFTER DELETE ON enterprises
    BEGIN INSERT INTO licence_page_changes VALUES (OLD.id); END;

CREATE TRIGGER permits_licence_page_insert AFTER INSERT ON permits
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.enterprise_id); END;
CREATE TRIGGER permits_licence_page_update AFTER UPDATE ON permits
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.enterprise_id); INSERT INTO licence_page_changes SELECT OLD.enterprise_id WHERE OLD.enterprise_id <> NEW.enterprise_id; END;
CREATE TRIGGER permits_licence_page_delete AFTER DELETE ON permits
    BEGIN INSERT INTO licence_page_changes VALUES (OLD.enterprise_id); END;

CREATE TRIGGER enterprise_changes_licence_page_insert AFTER INSERT ON enterprise_changes
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.enterprise_id); END;
CREATE TRIGGER enterprise_changes_licence_page_update AFTER UPDATE ON enterprise_changes
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.enterprise_id); INSERT INTO licence_page_changes SELECT OLD.enterprise_id WHERE OLD.enterprise_id <> NEW.enterprise_id; END;
CREATE TRIGGER enterprise_changes_licence_page_delete AFTER DELETE ON enterprise_changes
    BEGIN INSERT INTO licence_page_changes VALUES (OLD.enterprise_id); END;

CREATE TRIGGER inspection_tasks_licence_page_insert AFTER INSERT ON inspection_tasks
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.enterprise_id); END;
CREATE TRIGGER inspection_tasks_licence_page_update AFTER UPDATE ON inspection_tasks
    BEGIN INSERT INTO licence_page_changes VALUES (NEW.enterprise_id); INSERT INTO licence_page_changes SELECT OLD.enterprise_id WHERE OLD.enterprise_id <> NEW.enterprise_id; END;
CREATE TRIGGER inspection_tasks_licence_page_delete AFTER DELETE ON inspection_tasks
    BEGIN INSERT INTO licence_page_changes VALUES (OLD.enterprise_id); END;
