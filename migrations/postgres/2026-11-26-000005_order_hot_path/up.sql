-- An order line's category is a snapshot of the product's classification at purchase time,
-- like its name and price, not a live reference. Dropping the foreign key also spares every
-- order a KEY SHARE lock per line on rows that concurrent orders share (popular categories),
-- which PostgreSQL turns into multixacts under load.
ALTER TABLE order_lines DROP CONSTRAINT order_lines_category_id_fkey;

-- Every order updates the stock of its products. Room left in each page keeps those updates
-- HOT (no new index entries, notably none in the search index); new pages honour it at once,
-- existing ones as they are rewritten.
ALTER TABLE products SET (fillfactor = 70);

-- The running purchase totals are derived from the orders (a cache for the 30-day
-- split-purchase check); their keys need no foreign keys, which cost three shared row locks
-- per new (agency, enterprise, category, day).
ALTER TABLE purchase_totals DROP CONSTRAINT purchase_totals_agency_id_fkey;
ALTER TABLE purchase_totals DROP CONSTRAINT purchase_totals_enterprise_id_fkey;
ALTER TABLE purchase_totals DROP CONSTRAINT purchase_totals_category_id_fkey;
