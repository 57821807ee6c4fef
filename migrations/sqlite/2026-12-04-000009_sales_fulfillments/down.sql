DROP TRIGGER sales_fulfillments_update;
DROP TRIGGER sales_fulfillments_delete;
DROP TRIGGER sales_fulfillments_insert;
DROP TABLE sales_fulfillments;
