"""Use cases on top of the domain, called by the front doors in api/: build and preview a view,
search with a profile, call a source endpoint, list the profiles a caller may use, and a citizen's
self-service (self_service/)."""
