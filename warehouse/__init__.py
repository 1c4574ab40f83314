"""The DuckDB warehouse: schema and migrations, loading, queries and publication."""
