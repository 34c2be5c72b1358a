"""Connector plugin for the BAG API Individuele Bevragingen 2.x (Kadaster, LVBAG): addresses."""
