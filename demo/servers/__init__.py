"""Loopback demo servers. `base` holds the shared server and handler; one module per register.

* `demo.servers.brp`: BRP API Personen 2.x (`POST /personen`), see `start_brp_server`.
"""
