"""Demo sources for the IKO server: small, real HTTP servers on 127.0.0.1 that behave like the
municipal registers (BRP, ...) and serve official, fictitious test data.

They exist for local development, integration tests and benchmarks. They are not part of the
IKO server itself and never talk to real registers.
"""
