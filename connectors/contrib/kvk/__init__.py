"""Connector plugin for the KVK Handelsregister APIs: Zoeken 2.x, Basisprofiel 1.x, Vestigingsprofiel 1.x.

Specs: tests/specs/kvk/zoeken-api-v2.yaml, basisprofiel-api-v1.yaml, vestigingsprofiel-api-v1.yaml.
"""
