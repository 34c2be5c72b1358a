"""Connector plugin for the ZGW Zaken API 1.5 (Open Zaak), with the Catalogi API 1.3 for zaaktypen."""
