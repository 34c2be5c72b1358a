"""Settings modules: `base` reads the environment; `test` and `development` only set defaults."""
