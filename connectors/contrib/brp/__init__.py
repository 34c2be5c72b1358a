"""Connector plugin for the BRP Personen API 2.x (Haal Centraal BRP bevragen)."""
