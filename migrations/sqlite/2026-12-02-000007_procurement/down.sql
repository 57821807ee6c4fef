CREATE TABLE order_lines_old (
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
INSERT INTO order_lines_old
    SELECT id, fulfillment_id, product_id, category_id, product_name, unit, unit_price_won,
           quantity, line_total_won
    FROM order_lines WHERE product_id IS NOT NULL;
DROP TABLE order_lines;
ALTER TABLE order_lines_old RENAME TO order_lines;
CREATE INDEX order_lines_fulfillment_idx ON order_lines (fulfillment_id);
DROP TABLE procurement_events;
DROP TABLE quotes;
DROP TABLE procurement_requests;
