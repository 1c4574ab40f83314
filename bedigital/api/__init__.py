"""The read-only agenda API and agenda page, served from the published snapshot (`bedigital serve`)."""
