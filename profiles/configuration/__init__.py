"""Configuration as code: export the whole configuration to a file and import it again."""
