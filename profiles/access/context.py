"""Who asks and why, as the connectors pass it on to the sources (purpose binding).

A source call carries a `CallContext`: the purpose and its BRP values (x-doelbinding,
x-verwerking), the caller and the end user it acts for (x-gebruiker), IKO's own OIN, the trace,
and the grant's maximum vertrouwelijkheidaanduiding of documents (the Documenten connector leaves
out what lies above it). Every use case that calls a source (a view, a search, an endpoint call) builds it here.
"""

from __future__ import annotations

import dataclasses
from typing import Any


from connectors.base import CallContext
from profiles.access.principals import Caller
from profiles.organisations.selectors import organisation_oin
from profiles.tracing import TraceContext


def call_context_build(*, caller: Caller, purpose_code: str, purpose: Any, trace: TraceContext,
                       doelbinding: str = "", decision: Any = None) -> CallContext:
    """The context of the source calls made for `caller` under `purpose` (a Purpose or the
    cached PurposeInfo of a grant; None when unknown). `doelbinding`, when given, overrides the
    purpose's BRP doelbinding for both consulting and searching (a search action's own value).
    `decision` is the GrantDecision the calls are made under: its maximum
    vertrouwelijkheidaanduiding goes along (None: no grant limit, e.g. a test's own call)."""
    context = CallContext(
        purpose_code=purpose_code,
        actor=caller.name,
        on_behalf_of=caller.on_behalf_of,
        trace_id=trace.trace_id,
        doelbinding_consult=getattr(purpose, "brp_doelbinding_consult", "") or "",
        doelbinding_search=getattr(purpose, "brp_doelbinding_search", "") or "",
        verwerking=getattr(purpose, "brp_verwerking", "") or "",
        gebruiker=caller.gebruiker or caller.on_behalf_of or caller.system or caller.name,
        origin_oin=organisation_oin(caller.organisation_id),
        traceparent=trace.traceparent,
        max_vertrouwelijkheidaanduiding=getattr(decision, "max_vertrouwelijkheidaanduiding", "") or "",
    )
    if doelbinding:
        context = dataclasses.replace(context, doelbinding_consult=doelbinding, doelbinding_search=doelbinding)
    return context
