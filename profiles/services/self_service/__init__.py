"""Self-service: what a citizen or company logged in at a portal may do with IKO.

The use cases on top of the view service, the processing log, consent and the connectors: the own
view (and a child's, for its gezaghouder), insight into the processing log about oneself, and
reporting incorrect data. The HTTP side is `api/self_service.py`; the token is checked by
`api/citizen_auth.py`, which hands these services a plain `Citizen`.
"""
