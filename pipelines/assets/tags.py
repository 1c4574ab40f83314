"""Run tags the assets read."""

# Set on runs that must rebuild everything whatever the caches and fingerprints say
# (`bedigital run --force`, the daily refresh): sources ignore conditional requests, items and agenda rebuild.
FULL_REFRESH_TAG = "bedigital/full_refresh"

# Carried by every step that writes the warehouse: DuckDB admits one writing process, so the scaled
# executor (pipelines/scaled.py) runs at most one of them at a time.
WRITER_TAG = "bedigital/writer"
WRITER_OP_TAGS = {WRITER_TAG: "duckdb"}
