"""Connector plugin for any JSON/REST API on a configured server (GET only): the registers no
other plugin covers, such as a municipality's own income or benefits register."""
