"""Dagster definitions: assets, checks, resources and jobs (nothing else lives here)."""
