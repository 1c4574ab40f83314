"""Fetching and parsing of partner sources, and the partner registry."""
