"""Pure transformations from raw partner records to the agenda model (no I/O, no Dagster)."""
