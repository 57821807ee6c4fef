-- PostgreSQL drops the foreign keys inside the order aggregate here, for throughput under
-- concurrent writers. SQLite has one writer at a time and checks them cheaply: they stay.
SELECT 1;
