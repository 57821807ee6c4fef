DROP TABLE products;
DROP TABLE categories;
DROP INDEX users_agency_idx;
DROP INDEX users_enterprise_idx;
ALTER TABLE users DROP COLUMN agency_id;
ALTER TABLE users DROP COLUMN enterprise_id;
DROP TABLE purchase_plans;
DROP TABLE agencies;
DROP TABLE enterprises;
