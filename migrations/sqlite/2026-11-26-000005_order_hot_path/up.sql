-- An order line's category is a snapshot of the product's classification at purchase time,
-- like its name and price, not a live reference (as on PostgreSQL, where the foreign key
-- cost a shared row lock per line). SQLite cannot drop a constraint: rebuild the table.
CREATE TABLE order_lines_new (
    id INTEGER PRIMARY KEY,
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    category_id BIGINT NOT NULL,
    product_name TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_price_won BIGINT NOT NULL CHECK (unit_price_won > 0),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    line_total_won BIGINT NOT NULL CHECK (line_total_won > 0)
);
INSERT INTO order_lines_new
    SELECT id, fulfillment_id, product_id, category_id, product_name, unit, unit_price_won,
           quantity, line_total_won
    FROM order_lines;
DROP TABLE order_lines;
ALTER TABLE order_lines_new RENAME TO order_lines;
CREATE INDEX order_lines_fulfillment_idx ON order_lines (fulfillment_id);

-- The running purchase totals are derived from the orders; their keys need no foreign keys.
CREATE TABLE purchase_totals_new (
    agency_id BIGINT NOT NULL,
    enterprise_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    day DATE NOT NULL,
    total_won BIGINT NOT NULL,
    PRIMARY KEY (agency_id, enterprise_id, category_id, day)
);
INSERT INTO purchase_totals_new SELECT agency_id, enterprise_id, category_id, day, total_won
    FROM purchase_totals;
DROP TABLE purchase_totals;
ALTER TABLE purchase_totals_new RENAME TO purchase_totals;
