-- 增项: an application filed later by a business that holds its licence, for more permits. Its
-- approvals attach to that enterprise (db::enterprises::of_application reads this first).
ALTER TABLE applications ADD COLUMN enterprise_id BIGINT REFERENCES enterprises (id);
