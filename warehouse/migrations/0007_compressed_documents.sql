-- The documents (normalised records, canonical items, the agenda's JSON, history) compressed with zstd:
-- DuckDB's default string compression spent more time than the inserts themselves when a shard of
-- sources was committed, and stored them three times larger. DuckDB cannot change a column's
-- compression in place: each table is rebuilt with its rows, constraints and indexes.
CREATE TABLE raw_items_zstd (
    body_hash VARCHAR NOT NULL,
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    raw_hash VARCHAR NOT NULL,
    record JSON NOT NULL USING COMPRESSION zstd,
    PRIMARY KEY (body_hash, partner_id, source_id, key)
);
INSERT INTO raw_items_zstd SELECT * FROM raw_items;
DROP TABLE raw_items;
ALTER TABLE raw_items_zstd RENAME TO raw_items;
CREATE TABLE source_items_zstd (
    item_id VARCHAR PRIMARY KEY,
    partner_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    record JSON NOT NULL USING COMPRESSION zstd,
    body_hash VARCHAR NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
INSERT INTO source_items_zstd SELECT * FROM source_items;
DROP TABLE source_items;
ALTER TABLE source_items_zstd RENAME TO source_items;
CREATE TABLE items_zstd (
    item_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    record JSON NOT NULL USING COMPRESSION zstd,
    start_utc TIMESTAMPTZ,
    end_utc TIMESTAMPTZ,
    start_date DATE,
    end_date DATE,
    deadline_utc TIMESTAMPTZ,
    published_utc TIMESTAMPTZ,
    first_seen TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sequence INTEGER DEFAULT 0,
    group_key VARCHAR
);
INSERT INTO items_zstd SELECT * FROM items;
DROP TABLE items;
ALTER TABLE items_zstd RENAME TO items;
CREATE TABLE agenda_zstd (
    item_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    sort_at TIMESTAMPTZ,
    document JSON NOT NULL USING COMPRESSION zstd
);
INSERT INTO agenda_zstd SELECT * FROM agenda;
DROP TABLE agenda;
ALTER TABLE agenda_zstd RENAME TO agenda;
