-- An order line's category is a snapshot of the product's classification at purchase time,
-- like its name and price, not a live reference. Dropping the foreign key also spares every
-- order a KEY SHARE lock per line on rows that concurrent orders share (popular categories),
-- which PostgreSQL turns into multixacts under load.
ALTER TABLE order_lines DROP CONSTRAINT order_lines_category_id_fkey;
