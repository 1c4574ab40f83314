-- What each downstream stage was last built from: a run whose inputs match skips the stage's work.
CREATE TABLE stage_fingerprints (
    stage VARCHAR PRIMARY KEY,       -- items | agenda_staged | agenda_published
    fingerprint VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
