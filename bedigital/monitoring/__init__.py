"""Monitoring: the poll state and ping queue the sensors read, alerts, partner reports and staff pages."""
