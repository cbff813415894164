-- Which enterprises a 双随机 plan took: industries (bundles) and permit types (JSON).
ALTER TABLE inspection_plans ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';
