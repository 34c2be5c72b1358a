"""The processing log: processing records and their sinks, purge, the privacy officer's
inspection, subject lookup alerts and pseudonyms."""
