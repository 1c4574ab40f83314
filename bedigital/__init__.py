"""Application services of the bedigital.brussels agenda: ingestion glue, runs and the command line."""
