-- Foundation: reference districts, users, refresh tokens, login throttling.
CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sido TEXT NOT NULL
);

INSERT INTO districts (code, name, name_en, sido) VALUES
    ('27110', '중구', 'Jung-gu', '대구광역시'),
    ('27140', '동구', 'Dong-gu', '대구광역시'),
    ('27170', '서구', 'Seo-gu', '대구광역시'),
    ('27200', '남구', 'Nam-gu', '대구광역시'),
    ('27230', '북구', 'Buk-gu', '대구광역시'),
    ('27260', '수성구', 'Suseong-gu', '대구광역시'),
    ('27290', '달서구', 'Dalseo-gu', '대구광역시'),
    ('27710', '달성군', 'Dalseong-gun', '대구광역시'),
    ('27720', '군위군', 'Gunwi-gun', '대구광역시');

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'enterprise', 'buyer')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_status_idx ON users (status, id);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (throttle_key, failed_at);
