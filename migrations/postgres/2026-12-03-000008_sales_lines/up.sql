-- The sales ledger: one row per order line with what the statistics group and filter by
-- (the order's date, agency and contract type, the fulfilment's enterprise and status),
-- so a report reads one narrow table instead of joining orders, fulfilments and lines.
-- Triggers keep it equal to those tables; the revenue rule itself (which statuses count)
-- stays in crates/stats/src/revenue.rs.
CREATE TABLE sales_lines (
    line_id BIGINT PRIMARY KEY,
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

CREATE INDEX sales_lines_time_idx ON sales_lines (ordered_at)
    INCLUDE (order_id, enterprise_id, agency_id, category_id, contract_type, status, quantity, line_total_won);
CREATE INDEX sales_lines_agency_idx ON sales_lines (agency_id, ordered_at);
CREATE INDEX sales_lines_enterprise_idx ON sales_lines (enterprise_id, ordered_at);
CREATE INDEX sales_lines_fulfillment_idx ON sales_lines (fulfillment_id);

-- Statement-level triggers with transition tables: a bulk insert (seeding) costs one join,
-- not one function call per line.
CREATE FUNCTION sales_lines_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_lines
    SELECT l.id, f.order_id, f.id, o.created_at, o.agency_id, f.enterprise_id, l.category_id,
           o.contract_type, f.status, l.quantity, l.line_total_won
    FROM new_lines l
    JOIN fulfillments f ON f.id = l.fulfillment_id
    JOIN orders o ON o.id = f.order_id;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_lines_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION sales_lines_insert();

CREATE FUNCTION sales_lines_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sales_lines s USING old_lines l WHERE s.line_id = l.id;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_lines_delete AFTER DELETE ON order_lines
    REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION sales_lines_delete();

-- Updates are rare and row by row (a status transition, a correction), so row-level
-- triggers that fire only when a mirrored column changes.
CREATE FUNCTION sales_lines_of_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sales_lines WHERE line_id = OLD.id;
    INSERT INTO sales_lines
    SELECT NEW.id, f.order_id, f.id, o.created_at, o.agency_id, f.enterprise_id, NEW.category_id,
           o.contract_type, f.status, NEW.quantity, NEW.line_total_won
    FROM fulfillments f
    JOIN orders o ON o.id = f.order_id
    WHERE f.id = NEW.fulfillment_id;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_lines_of_line AFTER UPDATE ON order_lines FOR EACH ROW
    WHEN ((OLD.id, OLD.fulfillment_id, OLD.category_id, OLD.quantity, OLD.line_total_won)
          IS DISTINCT FROM (NEW.id, NEW.fulfillment_id, NEW.category_id, NEW.quantity, NEW.line_total_won))
    EXECUTE FUNCTION sales_lines_of_line();

CREATE FUNCTION sales_lines_of_fulfillment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_lines SET status = NEW.status, enterprise_id = NEW.enterprise_id
    WHERE fulfillment_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_lines_of_fulfillment AFTER UPDATE ON fulfillments FOR EACH ROW
    WHEN ((OLD.status, OLD.enterprise_id) IS DISTINCT FROM (NEW.status, NEW.enterprise_id))
    EXECUTE FUNCTION sales_lines_of_fulfillment();

CREATE FUNCTION sales_lines_of_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_lines
    SET ordered_at = NEW.created_at, agency_id = NEW.agency_id, contract_type = NEW.contract_type
    WHERE fulfillment_id IN (SELECT id FROM fulfillments WHERE order_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER sales_lines_of_order AFTER UPDATE ON orders FOR EACH ROW
    WHEN ((OLD.created_at, OLD.agency_id, OLD.contract_type)
          IS DISTINCT FROM (NEW.created_at, NEW.agency_id, NEW.contract_type))
    EXECUTE FUNCTION sales_lines_of_order();
