-- Orders: one order per purchase, one fulfillment per enterprise, snapshotted lines, an
-- append-only event log, and idempotency keys stored per user.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    order_no TEXT NOT NULL UNIQUE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    buyer_id BIGINT NOT NULL REFERENCES users (id),
    contract_type TEXT NOT NULL CHECK (contract_type IN ('catalog', 'rfq')),
    status TEXT NOT NULL,
    total_won BIGINT NOT NULL CHECK (total_won >= 0),
    delivery_address TEXT NOT NULL,
    delivery_district TEXT NOT NULL REFERENCES districts (code),
    requested_date DATE NOT NULL,
    note TEXT,
    warnings TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_agency_idx ON orders (agency_id, id);
CREATE INDEX orders_created_idx ON orders (created_at);

CREATE TABLE fulfillments (
    id INTEGER PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    enterprise_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('placed', 'accepted', 'shipped', 'delivered', 'inspected',
        'payment_claimed', 'paid', 'settled', 'rejected', 'returned', 'cancelled')),
    subtotal_won BIGINT NOT NULL CHECK (subtotal_won >= 0),
    commission_bp BIGINT NOT NULL,
    commission_won BIGINT NOT NULL CHECK (commission_won >= 0),
    reject_reason TEXT,
    delivered_at TIMESTAMP,
    inspection_due DATE,
    payment_claimed_at TIMESTAMP,
    payment_due DATE,
    paid_at TIMESTAMP,
    settled_at TIMESTAMP,
    settlement_won BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX fulfillments_order_idx ON fulfillments (order_id);
CREATE INDEX fulfillments_enterprise_idx ON fulfillments (enterprise_id, status);

CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    product_name TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_price_won BIGINT NOT NULL CHECK (unit_price_won > 0),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    line_total_won BIGINT NOT NULL CHECK (line_total_won > 0)
);
CREATE INDEX order_lines_fulfillment_idx ON order_lines (fulfillment_id);

CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    fulfillment_id BIGINT REFERENCES fulfillments (id),
    actor_id BIGINT NOT NULL REFERENCES users (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

-- Running totals of catalog purchases per agency, enterprise, category and day, so the
-- 30-day split-purchase check reads at most 31 rows instead of every order line.
CREATE TABLE purchase_totals (
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    day DATE NOT NULL,
    total_won BIGINT NOT NULL,
    PRIMARY KEY (agency_id, enterprise_id, category_id, day)
);

CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code BIGINT NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
