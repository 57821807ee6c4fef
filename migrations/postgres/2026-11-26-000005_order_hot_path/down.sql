ALTER TABLE purchase_totals
    ADD CONSTRAINT purchase_totals_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES agencies (id),
    ADD CONSTRAINT purchase_totals_enterprise_id_fkey FOREIGN KEY (enterprise_id) REFERENCES enterprises (id),
    ADD CONSTRAINT purchase_totals_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id);
ALTER TABLE products RESET (fillfactor);
ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id);
