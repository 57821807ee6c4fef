-- Enterprises, agencies and their purchase plans, the goods classification, products.
-- search_* columns are maintained by the application (Korean-aware normalisation, 초성,
-- character n-grams) so that both backends search the same way.
CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    biz_reg_no TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('social_enterprise', 'preliminary_social_enterprise',
        'cooperative', 'social_cooperative', 'village_enterprise', 'self_sufficiency_enterprise')),
    district TEXT NOT NULL REFERENCES districts (code),
    representative TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    employees BIGINT CHECK (employees >= 0),
    vulnerable_employees BIGINT CHECK (vulnerable_employees >= 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'suspended')),
    verified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    search_name TEXT NOT NULL,
    search_chosung TEXT NOT NULL,
    search_grams TEXT NOT NULL,
    CHECK (vulnerable_employees IS NULL OR employees IS NULL OR vulnerable_employees <= employees)
);
CREATE INDEX enterprises_status_idx ON enterprises (status, id);

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('central_government', 'local_government',
        'education_office', 'public_institution', 'local_public_enterprise', 'other_public')),
    district TEXT REFERENCES districts (code),
    parent_id BIGINT REFERENCES agencies (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE purchase_plans (
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    year BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    total_purchase_won BIGINT NOT NULL CHECK (total_purchase_won >= 0),
    social_target_bp BIGINT NOT NULL CHECK (social_target_bp BETWEEN 0 AND 10000),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agency_id, year)
);

ALTER TABLE users ADD COLUMN enterprise_id BIGINT REFERENCES enterprises (id);
ALTER TABLE users ADD COLUMN agency_id BIGINT REFERENCES agencies (id);
CREATE INDEX users_enterprise_idx ON users (enterprise_id);
CREATE INDEX users_agency_idx ON users (agency_id);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    parent_id BIGINT REFERENCES categories (id)
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    unit TEXT NOT NULL,
    price_won BIGINT NOT NULL CHECK (price_won BETWEEN 1 AND 10000000000),
    min_order_qty BIGINT NOT NULL CHECK (min_order_qty > 0),
    stock BIGINT NOT NULL CHECK (stock >= 0),
    lead_time_days BIGINT NOT NULL CHECK (lead_time_days BETWEEN 0 AND 365),
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending_review', 'approved', 'rejected', 'archived')),
    reject_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    search_name TEXT NOT NULL,
    search_chosung TEXT NOT NULL,
    search_text TEXT NOT NULL,
    search_grams TEXT NOT NULL
);
CREATE INDEX products_enterprise_idx ON products (enterprise_id, id);
CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_status_price_idx ON products (status, price_won, id);
CREATE INDEX products_status_id_idx ON products (status, id);
