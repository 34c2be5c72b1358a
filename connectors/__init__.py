"""Connectors, the bottom layer: how IKO talks to source APIs.

`base` (the contract a plugin implements), `registry` (plugins by id, checked on registration),
`options` (a plugin's options as a class), `params` (operation parameters and their check),
`listing` (list requests, paging, the subject check, error mapping), `http` (the one way out),
`errors`, `servers` (when a configured server is usable), `probes` (connection tests), `runner`
(the pool), `breaker` (skipping failing sources, shared through Redis), `models` (`Source`), `checks`
(system checks), `admin`; one small app per plugin under `contrib/`. Nothing here imports
`profiles` or `api`.
"""
