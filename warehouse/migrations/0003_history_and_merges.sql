-- Changes over time and duplicates: the history of each canonical item, how source items were merged,
-- and the machine translations already obtained (so that a text is translated once).
CREATE TABLE item_history (
    item_id VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    change VARCHAR NOT NULL,          -- rescheduled | moved | status | time | merged_into
    fields JSON NOT NULL,             -- {field: [before, after]}
    payloads JSON NOT NULL,           -- [{source_item_id, partner_id, source_id, body_hash}] the change was read from
    sequence INTEGER NOT NULL         -- the item's sequence after the change
);
CREATE INDEX item_history_item ON item_history (item_id, changed_at);
CREATE TABLE item_merges (
    item_id VARCHAR NOT NULL,         -- the canonical item
    source_item_id VARCHAR NOT NULL,  -- a member merged into it
    other_item_id VARCHAR NOT NULL,   -- the member it was found to match
    score DOUBLE NOT NULL,
    rule VARCHAR NOT NULL,            -- which rule decided (same url, similar title and venue, override...)
    fields JSON NOT NULL,             -- what was compared and how it came out
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, source_item_id, other_item_id)
);
CREATE TABLE translations (
    text_hash VARCHAR NOT NULL,       -- sha256 of the source text
    source_language VARCHAR NOT NULL,
    target_language VARCHAR NOT NULL,
    backend VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (text_hash, source_language, target_language, backend)
);
