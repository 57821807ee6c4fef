DROP TRIGGER sales_fulfillments_update ON sales_lines;
DROP TRIGGER sales_fulfillments_delete ON sales_lines;
DROP TRIGGER sales_fulfillments_insert ON sales_lines;
DROP FUNCTION sales_fulfillments_update();
DROP FUNCTION sales_fulfillments_delete();
DROP FUNCTION sales_fulfillments_rebuild(BIGINT[]);
DROP FUNCTION sales_fulfillments_insert();
DROP TABLE sales_fulfillments;
