"""Connector plugin for the ZGW Documenten API 1.4 (Open Zaak): document metadata, never content."""
