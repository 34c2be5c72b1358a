"""Profiles: what a view contains (sources and fields), purposes, grants and the processing log."""
