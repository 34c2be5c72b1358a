"""Connectors: the contract, registry and runner of source plugins, and the Source model."""
