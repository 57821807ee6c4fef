-- An order is written whole by one statement (fulfillments, lines and events with their order)
-- and never deleted; its parts reference each other by construction. Foreign keys inside the
-- aggregate, and from each line to the product whose row that same statement locks and
-- updates (products are archived, never deleted), cost one trigger query per row: 39 of the
-- 49 per order of 3 enterprises x 5 lines, about 15 % of the order throughput. The keys that
-- leave the aggregate stay (agency, buyer, district, enterprise, event actor, key owner).
ALTER TABLE fulfillments DROP CONSTRAINT fulfillments_order_id_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_fulfillment_id_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_product_id_fkey;
ALTER TABLE order_events DROP CONSTRAINT order_events_order_id_fkey;
ALTER TABLE order_events DROP CONSTRAINT order_events_fulfillment_id_fkey;
