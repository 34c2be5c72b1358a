"""Fault injection settings of a demo server: latency (with jitter) and failures, from code or from
the environment (`IKO_DEMO_<NAME>_LATENCY_MS`, `_JITTER_MS`, `_FAILURE_RATE`, `_FAIL_MODE`; see
demo/servers/base.py, whose `DemoServer` applies them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

FAIL_MODES = ("503", "500", "hang")


@dataclass(frozen=True)
class FaultSettings:
    """Latency and failure injection of one demo server."""

    latency_ms: float = 0.0
    failure_rate: float = 0.0
    fail_mode: str = "503"
    jitter_ms: float = 0.0

    def __post_init__(self) -> None:
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if self.jitter_ms < 0:
            raise ValueError("jitter_ms must be >= 0")
        if not 0.0 <= self.failure_rate <= 1.0:
            raise ValueError("failure_rate must be between 0 and 1")
        if self.fail_mode not in FAIL_MODES:
            raise ValueError(f"fail_mode must be one of {', '.join(FAIL_MODES)}")

    @classmethod
    def build(
        cls,
        latency_ms: float | None = None,
        failure_rate: float | None = None,
        fail_mode: str | None = None,
        jitter_ms: float | None = None,
    ) -> FaultSettings:
        """Fill in defaults. A fail mode without a rate means: every request fails that way."""
        if failure_rate is None:
            failure_rate = 1.0 if fail_mode else 0.0
        return cls(
            latency_ms=float(latency_ms or 0.0),
            failure_rate=float(failure_rate),
            fail_mode=str(fail_mode or "503"),
            jitter_ms=float(jitter_ms or 0.0),
        )


def fault_settings_from_env(
    name: str,
    *,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    fail_mode: str | None = None,
    jitter_ms: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> FaultSettings:
    """Fault settings for demo source `name` (e.g. "BRP"): arguments that are not None win,
    then ``IKO_DEMO_<NAME>_LATENCY_MS`` / ``_FAILURE_RATE`` / ``_FAIL_MODE`` / ``_JITTER_MS``,
    then defaults."""
    env = os.environ if environ is None else environ
    prefix = f"IKO_DEMO_{name.upper()}_"

    def from_env(key: str, convert):
        raw = env.get(prefix + key, "").strip()
        if not raw:
            return None
        try:
            return convert(raw)
        except ValueError:
            raise ValueError(f"{prefix}{key} is not a valid value: {raw!r}") from None

    if latency_ms is None:
        latency_ms = from_env("LATENCY_MS", float)
    if failure_rate is None:
        failure_rate = from_env("FAILURE_RATE", float)
    if fail_mode is None:
        fail_mode = from_env("FAIL_MODE", lambda value: value.lower())
    if jitter_ms is None:
        jitter_ms = from_env("JITTER_MS", float)
    return FaultSettings.build(latency_ms, failure_rate, fail_mode, jitter_ms)
