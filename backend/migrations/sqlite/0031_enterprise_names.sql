-- 名称查重 (domain::names): a new business's name is looked up among the county's enterprises
-- as each application is filed and as the applicant types.
CREATE INDEX enterprises_name ON enterprises (name);
