"""Shared pytest plugins: the headless browser fixtures."""

pytest_plugins = ["fremdrift.browser_fixtures"]
