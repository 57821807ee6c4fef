-- The fulfilment ledger: one row per fulfilment that has lines, with its lines' quantity and
-- total summed, so that the reports which need no line's category (time, enterprise, kind,
-- district, agency, the summary and the priority-purchase report) read a third as many rows
-- as `sales_lines`. It is kept equal to `sales_lines` (and so to the orders) by the
-- triggers below; the figure columns keep `sales_lines`' names (`quantity`,
-- `line_total_won`: the sum of the fulfilment's line totals), so that a report reads
-- either ledger with the same SQL.
CREATE TABLE sales_fulfillments (
    fulfillment_id BIGINT PRIMARY KEY,
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

CREATE INDEX sales_fulfillments_time_idx ON sales_fulfillments (ordered_at)
    INCLUDE (order_id, enterprise_id, agency_id, contract_type, status, quantity, line_total_won);
CREATE INDEX sales_fulfillments_agency_idx ON sales_fulfillments (agency_id, ordered_at);
CREATE INDEX sales_fulfillments_enterprise_idx ON sales_fulfillments (enterprise_id, ordered_at);

-- New lines (an order placed, a batch seeded) add to their fulfilment's row, in one
-- statement per inserting statement.
CREATE FUNCTION sales_fulfillments_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_fulfillments AS f
    SELECT fulfillment_id, min(order_id), min(ordered_at), min(agency_id), min(enterprise_id),
           min(contract_type), min(status), count(*), sum(quantity), sum(line_total_won)
    FROM new_rows
    GROUP BY fulfillment_id
    ON CONFLICT (fulfillment_id) DO UPDATE
    SET lines = f.lines + EXCLUDED.lines,
        quantity = f.quantity + EXCLUDED.quantity,
        line_total_won = f.line_total_won + EXCLUDED.line_total_won;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_fulfillments_insert AFTER INSERT ON sales_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_fulfillments_insert();

-- Changed or removed lines (rare: a status transition, a correction) rebuild the rows of the
-- fulfilments they belong to, from the ledger as the statement left it.
CREATE FUNCTION sales_fulfillments_rebuild(ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sales_fulfillments WHERE fulfillment_id = ANY (ids);
    INSERT INTO sales_fulfillments
    SELECT fulfillment_id, min(order_id), min(ordered_at), min(agency_id), min(enterprise_id),
           min(contract_type), min(status), count(*), sum(quantity), sum(line_total_won)
    FROM sales_lines
    WHERE fulfillment_id = ANY (ids)
    GROUP BY fulfillment_id;
END $$;

CREATE FUNCTION sales_fulfillments_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_fulfillments_rebuild(ARRAY(SELECT DISTINCT fulfillment_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE TRIGGER sales_fulfillments_delete AFTER DELETE ON sales_lines
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_fulfillments_delete();

CREATE FUNCTION sales_fulfillments_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_fulfillments_rebuild(ARRAY(
        SELECT fulfillment_id FROM old_rows UNION SELECT fulfillment_id FROM new_rows));
    RETURN NULL;
END $$;
CREATE TRIGGER sales_fulfillments_update AFTER UPDATE ON sales_lines
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sales_fulfillments_update();
