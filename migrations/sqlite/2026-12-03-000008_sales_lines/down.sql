DROP TRIGGER sales_lines_of_order;
DROP TRIGGER sales_lines_of_fulfillment;
DROP TRIGGER sales_lines_of_line;
DROP TRIGGER sales_lines_delete;
DROP TRIGGER sales_lines_insert;
DROP TABLE sales_lines;
