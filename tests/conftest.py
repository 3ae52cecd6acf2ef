"""Fixtures for the cross-app tests: the fault tests' processes and network (tests/faults.py)."""

from tests.faults import collected_static, database_proxy  # noqa: F401
