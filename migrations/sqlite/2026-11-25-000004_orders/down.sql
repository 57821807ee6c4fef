DROP TABLE idempotency_keys;
DROP TABLE purchase_totals;
DROP TABLE order_events;
DROP TABLE order_lines;
DROP TABLE fulfillments;
DROP TABLE orders;
