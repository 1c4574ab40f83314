"""The connector kit for data engineers: scaffolding, dry runs, recorded fixtures and contract checks."""
