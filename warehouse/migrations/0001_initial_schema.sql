-- The initial schema: registry, fetch log, payload archive, raw/source/canonical items, rejections, agenda.
CREATE TABLE partners (
    partner_id VARCHAR PRIMARY KEY,
    name_fr VARCHAR NOT NULL, name_nl VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
    website VARCHAR NOT NULL,
    file VARCHAR
);
CREATE TABLE sources (
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    timezone VARCHAR NOT NULL,
    etag VARCHAR,
    last_modified VARCHAR,
    body_hash VARCHAR,              -- the last body that was parsed
    last_status INTEGER,
    last_outcome VARCHAR,
    last_error VARCHAR,
    last_fetched_at TIMESTAMPTZ,
    last_success_at TIMESTAMPTZ,
    last_changed_at TIMESTAMPTZ,
    error_streak INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (partner_id, source_id)
);
CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    published BOOLEAN
);
CREATE TABLE fetch_log (
    run_id VARCHAR NOT NULL,
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    final_url VARCHAR,
    started_at TIMESTAMPTZ NOT NULL,
    duration_s DOUBLE NOT NULL,
    status INTEGER,
    outcome VARCHAR NOT NULL,        -- fetched | not_modified | error
    error_code VARCHAR,
    error VARCHAR,
    attempts INTEGER NOT NULL,
    body_hash VARCHAR,
    headers JSON,
    parse_error VARCHAR,
    warnings JSON,
    n_fetched INTEGER NOT NULL DEFAULT 0,
    n_new INTEGER NOT NULL DEFAULT 0,
    n_updated INTEGER NOT NULL DEFAULT 0,
    n_unchanged INTEGER NOT NULL DEFAULT 0,
    n_merged INTEGER NOT NULL DEFAULT 0,
    n_rejected INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, partner_id, source_id)
);
CREATE TABLE payloads (
    body_hash VARCHAR PRIMARY KEY,   -- sha256 of the body: the archive is content-addressed
    path VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    content_type VARCHAR,
    first_url VARCHAR NOT NULL,
    first_fetched_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE raw_items (
    body_hash VARCHAR NOT NULL,
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    raw_hash VARCHAR NOT NULL,
    record JSON NOT NULL,
    PRIMARY KEY (body_hash, partner_id, source_id, key)
);
CREATE TABLE source_items (
    item_id VARCHAR PRIMARY KEY,
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    record JSON NOT NULL,            -- the normalised Item
    body_hash VARCHAR NOT NULL,      -- the payload it was last read from
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE items (
    item_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    record JSON NOT NULL,
    start_utc TIMESTAMPTZ,
    end_utc TIMESTAMPTZ,
    start_date DATE,
    end_date DATE,
    deadline_utc TIMESTAMPTZ,
    published_utc TIMESTAMPTZ,
    first_seen TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE item_sources (
    item_id VARCHAR NOT NULL,
    source_item_id VARCHAR NOT NULL,
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    PRIMARY KEY (item_id, source_item_id)
);
CREATE TABLE rejections (
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    body_hash VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    field VARCHAR NOT NULL,          -- '' when not about one field
    key VARCHAR NOT NULL,            -- '' when the record has no key
    message VARCHAR NOT NULL,
    excerpt VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, source_id, body_hash, stage, reason, field, key)
);
CREATE TABLE agenda (
    item_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    sort_at TIMESTAMPTZ,
    document JSON NOT NULL
);
