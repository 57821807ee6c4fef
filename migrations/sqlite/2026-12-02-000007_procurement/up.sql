-- Procurement requests (견적 요청), their quotes and events; an awarded order's line may
-- have no catalog product (a quote for something made to order): SQLite cannot drop NOT
-- NULL, so the lines table is rebuilt.
CREATE TABLE procurement_requests (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    buyer_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    category_id BIGINT NOT NULL REFERENCES categories (id),
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit TEXT NOT NULL,
    budget_won BIGINT NOT NULL CHECK (budget_won > 0),
    delivery_district TEXT NOT NULL REFERENCES districts (code),
    delivery_address TEXT NOT NULL,
    deliver_by DATE NOT NULL,
    allow_consortium BOOLEAN NOT NULL,
    quotes_due TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('open', 'awarded', 'closed', 'cancelled')),
    order_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX procurement_requests_agency_idx ON procurement_requests (agency_id, id);
CREATE INDEX procurement_requests_open_idx ON procurement_requests (status, category_id);

CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES procurement_requests (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    product_id BIGINT REFERENCES products (id),
    unit_price_won BIGINT NOT NULL CHECK (unit_price_won > 0),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    total_won BIGINT NOT NULL CHECK (total_won > 0),
    lead_time_days BIGINT NOT NULL CHECK (lead_time_days >= 0),
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'withdrawn', 'awarded', 'not_awarded')),
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX quotes_request_idx ON quotes (request_id, id);
CREATE INDEX quotes_enterprise_idx ON quotes (enterprise_id, request_id);
-- One live quote per enterprise per request, whatever the interleaving of submissions.
CREATE UNIQUE INDEX quotes_one_live_idx ON quotes (request_id, enterprise_id)
    WHERE status = 'submitted';

-- What happened to a request, append-only: created, quote_submitted, quote_withdrawn,
-- quotes_opened (sealed quotes seen after their deadline), awarded, cancelled, closed.
CREATE TABLE procurement_events (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES procurement_requests (id),
    actor_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('created', 'quote_submitted', 'quote_withdrawn',
        'quotes_opened', 'awarded', 'cancelled', 'closed')),
    quote_id BIGINT,
    order_id BIGINT,
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX procurement_events_request_idx ON procurement_events (request_id, id);
CREATE UNIQUE INDEX procurement_events_opened_once_idx ON procurement_events (request_id)
    WHERE kind = 'quotes_opened';

CREATE TABLE order_lines_new (
    id INTEGER PRIMARY KEY,
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    product_id BIGINT REFERENCES products (id),
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
