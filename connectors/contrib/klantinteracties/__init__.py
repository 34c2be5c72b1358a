"""Connector plugin for Open Klant 2.x: the Klantinteracties API (partijen, klantcontacten,
digitale adressen) and, where configured, the Contactgegevens API."""
