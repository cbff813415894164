-- The re-check of a rectification a 双随机 visit ordered (整改到位, or a failure).
ALTER TABLE inspection_tasks ADD COLUMN recheck_result TEXT;
ALTER TABLE inspection_tasks ADD COLUMN recheck_note TEXT;
ALTER TABLE inspection_tasks ADD COLUMN rechecked_by TEXT;
ALTER TABLE inspection_tasks ADD COLUMN rechecked_on TEXT;
