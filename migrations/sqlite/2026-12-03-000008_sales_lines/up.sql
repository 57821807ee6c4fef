-- The sales ledger: one row per order line with what the statistics group and filter by
-- (the order's date, agency and contract type, the fulfilment's enterprise and status),
-- so a report reads one narrow table instead of joining orders, fulfilments and lines.
-- Triggers keep it equal to those tables; the revenue rule itself (which statuses count)
-- stays in crates/stats/src/revenue.rs.
CREATE TABLE sales_lines (
    line_id BIGINT PRIMARY KEY NOT NULL,
    order_id BIGINT NOT NULL,
    fulfillment_id BIGINT NOT NULL,
    ordered_at TIMESTAMP NOT NULL,
    agency_id BIGINT NOT NULL,
    enterprise_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    contract_type TEXT NOT NULL,
    status TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    line_total_won BIGINT NOT NULL
);

INSERT INTO sales_lines
SELECT l.id, f.order_id, f.id, o.created_at, o.agency_id, f.enterprise_id, l.category_id,
       o.contract_type, f.status, l.quantity, l.line_total_won
FROM order_lines l
JOIN fulfillments f ON f.id = l.fulfillment_id
JOIN orders o ON o.id = f.order_id;

CREATE INDEX sales_lines_time_idx ON sales_lines (ordered_at);
CREATE INDEX sales_lines_agency_idx ON sales_lines (agency_id, ordered_at);
CREATE INDEX sales_lines_enterprise_idx ON sales_lines (enterprise_id, ordered_at);
CREATE INDEX sales_lines_fulfillment_idx ON sales_lines (fulfillment_id);

CREATE TRIGGER sales_lines_insert AFTER INSERT ON order_lines
BEGIN
    INSERT INTO sales_lines
    SELECT NEW.id, f.order_id, f.id, o.created_at, o.agency_id, f.enterprise_id, NEW.category_id,
           o.contract_type, f.status, NEW.quantity, NEW.line_total_won
    FROM fulfillments f
    JOIN orders o ON o.id = f.order_id
    WHERE f.id = NEW.fulfillment_id;
END;

CREATE TRIGGER sales_lines_delete AFTER DELETE ON order_lines
BEGIN
    DELETE FROM sales_lines WHERE line_id = OLD.id;
END;

CREATE TRIGGER sales_lines_of_line AFTER UPDATE ON order_lines
WHEN OLD.id IS NOT NEW.id OR OLD.fulfillment_id IS NOT NEW.fulfillment_id
    OR OLD.category_id IS NOT NEW.category_id OR OLD.quantity IS NOT NEW.quantity
    OR OLD.line_total_won IS NOT NEW.line_total_won
BEGIN
    DELETE FROM sales_lines WHERE line_id = OLD.id;
    INSERT INTO sales_lines
    SELECT NEW.id, f.order_id, f.id, o.created_at, o.agency_id, f.enterprise_id, NEW.category_id,
           o.contract_type, f.status, NEW.quantity, NEW.line_total_won
    FROM fulfillments f
    JOIN orders o ON o.id = f.order_id
    WHERE f.id = NEW.fulfillment_id;
END;

CREATE TRIGGER sales_lines_of_fulfillment AFTER UPDATE ON fulfillments
WHEN OLD.status IS NOT NEW.status OR OLD.enterprise_id IS NOT NEW.enterprise_id
BEGIN
    UPDATE sales_lines SET status = NEW.status, enterprise_id = NEW.enterprise_id
    WHERE fulfillment_id = NEW.id;
END;

CREATE TRIGGER sales_lines_of_order AFTER UPDATE ON orders
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.agency_id IS NOT NEW.agency_id
    OR OLD.contract_type IS NOT NEW.contract_type
BEGIN
    UPDATE sales_lines
    SET ordered_at = NEW.created_at, agency_id = NEW.agency_id, contract_type = NEW.contract_type
    WHERE fulfillment_id IN (SELECT id FROM fulfillments WHERE order_id = NEW.id);
END;
