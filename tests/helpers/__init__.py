"""Test-support modules: fixtures (loaded by tests/conftest.py through pytest_plugins) and helpers."""
