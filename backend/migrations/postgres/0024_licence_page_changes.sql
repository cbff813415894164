-- A licence's public page is kept in memory by every instance until its rows change: each
-- table the page reads notes the enterprise in `licence_page_changes` — which the transaction
-- that made the change drains just before it commits, evicting those pages on its own instance
-- just after (db::Tx::commit) — and notifies `lianban_licence` with its id, for every other
-- instance (sent when the change commits, not at all if it rolls back, once per id).
CREATE TABLE licence_page_changes (
    enterprise_id BIGINT NOT NULL
);

CREATE FUNCTION licence_changed_by_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO licence_page_changes VALUES (OLD.id);
        PERFORM pg_notify('lianban_licence', OLD.id::text);
    ELSE
        INSERT INTO licence_page_changes VALUES (NEW.id);
        PERFORM pg_notify('lianban_licence', NEW.id::text);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION licence_changed_by_enterprise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO licence_page_changes VALUES (OLD.enterprise_id);
        PERFORM pg_notify('lianban_licence', OLD.enterprise_id::text);
    ELSE
        INSERT INTO licence_page_changes VALUES (NEW.enterprise_id);
        PERFORM pg_notify('lianban_licence', NEW.enterprise_id::text);
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.enterprise_id <> NEW.enterprise_id THEN
        INSERT INTO licence_page_changes VALUES (OLD.enterprise_id);
        PERFORM pg_notify('lianban_licence', OLD.enterprise_id::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER enterprises_licence_page AFTER INSERT OR UPDATE OR DELETE ON enterprises
    FOR EACH ROW EXECUTE FUNCTION licence_changed_by_id();
CREATE TRIGGER permits_licence_page AFTER INSERT OR UPDATE OR DELETE ON permits
    FOR EACH ROW EXECUTE FUNCTION licence_changed_by_enterprise();
CREATE TRIGGER enterprise_changes_licence_page AFTER INSERT OR UPDATE OR DELETE ON enterprise_changes
    FOR EACH ROW EXECUTE FUNCTION licence_changed_by_enterprise();
CREATE TRIGGER inspection_tasks_licence_page AFTER INSERT OR UPDATE OR DELETE ON inspection_tasks
    FOR EACH ROW EXECUTE FUNCTION licence_changed_by_enterprise();
