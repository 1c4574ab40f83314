"""Benchmarks: measured by hand (`python -m bench.<name>`), never timed in tests."""
