"""Merging identical view computations that are in flight at the same moment.

A Valtimo tab with N widgets sends N identical calls for one screen.
Instead of fanning out N times, the first request (the leader) computes the view and the others
that arrive while it runs wait for that same result. Nothing is kept afterwards: the entry is
removed the moment the leader finishes, so a request that arrives later computes afresh. This is
not a cache, and it stores no personal data beyond the lifetime of the requests that share it.

What may be shared is decided by the key (`view_key`): the profile and its version, the subject,
the purpose, the principal and the effective grant that allowed it. Requests of principals with
another grant never share a computation, so a narrowed grant never sees what a wider one
fetched. The key also holds the actor and the end user it acts for, because the source calls
carry them (x-gebruiker towards the BRP): the gateway's own protocol must name the right person.

Each request still writes its own processing record and gets its own trace id in its answer;
only the source calls and the assembly are shared. The source calls carry the leader's trace id.
See docs/integrator/index.md ("Valtimo and other clients of the reference IKO server").
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, TypeVar

from django.conf import settings

from connectors import metrics

T = TypeVar("T")

# A follower waits at most this much longer than the leader's own deadline, then computes itself.
FOLLOWER_GRACE_SECONDS = 1.0


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    followers: int = 0


class InflightGroup:
    """Runs `compute` once per key among callers that overlap in time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Hashable, _Flight] = {}

    def run(self, key: Hashable, compute: Callable[[], T], *, wait_seconds: float) -> tuple[T, bool]:
        """`compute()`'s result, and whether it was shared with (computed by) another caller."""
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
            else:
                flight.followers += 1
        if leader:
            try:
                flight.result = compute()
            except BaseException as exc:  # noqa: BLE001 - handed to the followers, then re-raised
                flight.error = exc
                raise
            finally:
                # Forget the key before waking the followers: a request that comes in after this
                # point starts its own computation, so nothing outlives the requests in flight.
                with self._lock:
                    self._flights.pop(key, None)
                flight.done.set()
            return flight.result, False
        if not flight.done.wait(timeout=wait_seconds):
            return compute(), False
        if flight.error is not None:
            raise flight.error
        metrics.inflight_merge_record()
        return flight.result, True

    def in_flight(self) -> int:
        """How many computations are running now (for tests and metrics)."""
        with self._lock:
            return len(self._flights)


_views = InflightGroup()


def view_key(*, profile: Any, subject: Any, purpose_code: str, caller: Any, decision: Any,
             variables: Any = None) -> tuple:
    """What makes two view requests the same computation.

    The subject enters as a hash, so the key (which lives only while the request runs) does not
    hold the identifier itself. The effective grant enters as the grants that allowed it,
    their field narrowing and their maximum vertrouwelijkheidaanduiding
    (`profiles.access.grants.GrantDecision`).
    """
    subject_hash = hashlib.sha256(f"{subject.type}:{subject.value}:{subject.qualifiers}".encode()).hexdigest()
    fields = getattr(decision, "fields", None)
    return (
        "view",
        profile.pk,
        profile.version,
        subject_hash,
        purpose_code,
        getattr(caller, "name", ""),
        getattr(caller, "on_behalf_of", ""),
        getattr(caller, "gebruiker", ""),
        tuple(getattr(decision, "grant_ids", ()) or ()),
        None if fields is None else tuple(fields),
        # The grant's cap on documents' confidentiality travels in the source calls' context.
        getattr(decision, "max_vertrouwelijkheidaanduiding", ""),
        # The request's JQ variables ($idParam, $sortParams, $filterParams) can change what the
        # transforms give; hashed like the subject, since $idParam is the identifier as given.
        hashlib.sha256(json.dumps(variables, sort_keys=True, default=str).encode()).hexdigest() if variables else None,
    )


def merging_enabled() -> bool:
    return bool(getattr(settings, "IKO_MERGE_VIEWS_IN_FLIGHT", True))


def view_execute_merged(*, merge_key: tuple | None, **execute: Any) -> Any:
    """`profiles.engine.profile_execute(**execute)`, shared with identical views in flight now.

    `merge_key` None (an admin preview, or merging switched off): computed on its own. A
    follower gets its own shallow copy of the result, so nothing a request sets on it reaches
    another; the data inside is shared and must be treated as read-only.
    """
    from profiles.engine.execute import profile_execute

    if merge_key is None or not merging_enabled():
        return profile_execute(**execute)
    wait = max(0.0, execute["deadline"] - time.monotonic()) + FOLLOWER_GRACE_SECONDS
    result, shared = _views.run(merge_key, lambda: profile_execute(**execute), wait_seconds=wait)
    return copy.copy(result) if shared else result


def views_in_flight() -> int:
    return _views.in_flight()
