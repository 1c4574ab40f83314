"""The steering committee's ecosystem report: figures from the warehouse, charts, HTML/PDF/JSON and the /insight page."""
