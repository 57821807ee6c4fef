-- The fulfilment ledger: one row per fulfilment that has lines, with its lines' quantity and
-- total summed, so that the reports which need no line's category (time, enterprise, kind,
-- district, agency, the summary and the priority-purchase report) read a third as many rows
-- as `sales_lines`. It is kept equal to `sales_lines` (and so to the orders) by the
-- triggers below; the figure columns keep `sales_lines`' names (`quantity`,
-- `line_total_won`: the sum of the fulfilment's line totals), so that a report reads
-- either ledger with the same SQL.
CREATE TABLE sales_fulfillments (
    fulfillment_id BIGINT PRIMARY KEY NOT NULL,
    order_id BIGINT NOT NULL,
    ordered_at TIMESTAMP NOT NULL,
    agency_id BIGINT NOT NULL,
    enterprise_id BIGINT NOT NULL,
    contract_type TEXT NOT NULL,
    status TEXT NOT NULL,
    lines BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    line_total_won BIGINT NOT NULL
);

INSERT INTO sales_fulfillments
SELECT fulfillment_id, order_id, ordered_at, agency_id, enterprise_id, contract_type, status,
       count(*), sum(quantity), sum(line_total_won)
FROM sales_lines
GROUP BY fulfillment_id, order_id, ordered_at, agency_id, enterprise_id, contract_type, status;

CREATE INDEX sales_fulfillments_time_idx ON sales_fulfillments (ordered_at);
CREATE INDEX sales_fulfillments_agency_idx ON sales_fulfillments (agency_id, ordered_at);
CREATE INDEX sales_fulfillments_enterprise_idx ON sales_fulfillments (enterprise_id, ordered_at);

-- SQLite triggers are per row: a line added makes or grows its fulfilment's row, a line
-- removed shrinks it (and removes it with the last line), a line changed is both.
CREATE TRIGGER sales_fulfillments_insert AFTER INSERT ON sales_lines
BEGIN
    INSERT OR IGNORE INTO sales_fulfillments
    VALUES (NEW.fulfillment_id, NEW.order_id, NEW.ordered_at, NEW.agency_id, NEW.enterprise_id,
            NEW.contract_type, NEW.status, 0, 0, 0);
    UPDATE sales_fulfillments
    SET lines = lines + 1, quantity = quantity + NEW.quantity,
        line_total_won = line_total_won + NEW.line_total_won
    WHERE fulfillment_id = NEW.fulfillment_id;
END;

CREATE TRIGGER sales_fulfillments_delete AFTER DELETE ON sales_lines
BEGIN
    UPDATE sales_fulfillments
    SET lines = lines - 1, quantity = quantity - OLD.quantity,
        line_total_won = line_total_won - OLD.line_total_won
    WHERE fulfillment_id = OLD.fulfillment_id;
    DELETE FROM sales_fulfillments WHERE fulfillment_id = OLD.fulfillment_id AND lines <= 0;
END;

CREATE TRIGGER sales_fulfillments_update AFTER UPDATE ON sales_lines
BEGIN
    UPDATE sales_fulfillments
    SET lines = lines - 1, quantity = quantity - OLD.quantity,
        line_total_won = line_total_won - OLD.line_total_won
    WHERE fulfillment_id = OLD.fulfillment_id;
    DELETE FROM sales_fulfillments WHERE fulfillment_id = OLD.fulfillment_id AND lines <= 0;
    INSERT OR IGNORE INTO sales_fulfillments
    VALUES (NEW.fulfillment_id, NEW.order_id, NEW.ordered_at, NEW.agency_id, NEW.enterprise_id,
            NEW.contract_type, NEW.status, 0, 0, 0);
    UPDATE sales_fulfillments
    SET order_id = NEW.order_id, ordered_at = NEW.ordered_at, agency_id = NEW.agency_id,
        enterprise_id = NEW.enterprise_id, contract_type = NEW.contract_type,
        status = NEW.status, lines = lines + 1, quantity = quantity + NEW.quantity,
        line_total_won = line_total_won + NEW.line_total_won
    WHERE fulfillment_id = NEW.fulfillment_id;
END;
