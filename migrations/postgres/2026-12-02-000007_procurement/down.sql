DELETE FROM order_lines WHERE product_id IS NULL;
ALTER TABLE order_lines ALTER COLUMN product_id SET NOT NULL;
DROP TABLE procurement_events;
DROP TABLE quotes;
DROP TABLE procurement_requests;
