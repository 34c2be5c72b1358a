"""Organisations (tenants): several municipalities in one installation, each with its own
configuration, processing log and pseudonym key. See models.py and selectors.py."""
