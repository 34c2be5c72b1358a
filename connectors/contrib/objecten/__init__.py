"""Connector plugin for the Objects API 2.x (Objecten API): a subject's objects of one objecttype."""
