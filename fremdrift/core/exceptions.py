"""The exceptions the services raise that every caller handles the same way."""


class StaleVersion(Exception):
    """The record changed since the version the caller read: someone else saved in between.
    Pages answer 409 with the newer values; the API answers 412."""
