ALTER TABLE fulfillments
    ADD CONSTRAINT fulfillments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_fulfillment_id_fkey FOREIGN KEY (fulfillment_id) REFERENCES fulfillments (id),
    ADD CONSTRAINT order_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id);
ALTER TABLE order_events
    ADD CONSTRAINT order_events_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    ADD CONSTRAINT order_events_fulfillment_id_fkey FOREIGN KEY (fulfillment_id) REFERENCES fulfillments (id);
