ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id);
