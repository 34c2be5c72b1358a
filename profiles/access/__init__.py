"""Access: purposes, grants and principals (API clients, OIDC tokens, Django users), grant
resolution, and the short-lived cache of configuration and grants."""
