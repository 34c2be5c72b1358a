"""Connector plugin for the ZGW Besluiten API 1.1 (Open Zaak), with the Catalogi API for besluittypen."""
