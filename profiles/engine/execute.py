"""The profile engine: runs a profile's relation tree stage by stage and assembles the view.

Fetching: stage 0 holds the top-level relations, fed from the subject; stage n+1 holds the
children of what stage n fetched. A child runs once per item of its parent's data (the object, or
each element of a list); its JQ input expression turns that item into call parameters (an array
means one call per element). All calls of a stage run in parallel on the shared pool, identical
calls run once per view, a relation makes at most `max_calls` calls, a source with an open circuit
is skipped, and everything stops at the view's deadline.

Assembling: each relation's data is cut down to its release fields (whatever a source sends
beyond them never leaves IKO; the source's markers about the data are added back when the
profile passes them on always), its children's results are placed in each item under their names,
and then its output transform (JQ) shapes it. Finally the profile's transform shapes the view.

See docs/developer/architecture.md ("One view, through the layers", steps 4 to 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connectors.base import CallContext, Connector, ConnectorRequest, ConnectorResult, Operation, SourceConfig, Status
from connectors.breaker import CircuitBreaker
from connectors.registry import Registry
from connectors.runner import SourceCall, run_calls

from profiles.definitions.expressions import ExpressionError, evaluate_all, evaluate_one
from profiles.definitions.fields import markers_pass_on, select_fields
from profiles.subjects import Subject

FAILED_STATUSES = frozenset({Status.ERROR, Status.TIMEOUT, Status.SKIPPED})
# Worst first: the status a relation or source reports when its calls disagree.
SEVERITY = [Status.TIMEOUT, Status.ERROR, Status.SKIPPED, Status.OK, Status.NOT_FOUND]


def worst(statuses) -> Status:
    statuses = list(statuses)
    if Status.OK in statuses and all(s in (Status.OK, Status.NOT_FOUND) for s in statuses):
        return Status.OK
    return min(statuses, key=SEVERITY.index)


# --- the plan: everything the fan-out needs, read from the ORM before it starts ------------
@dataclass
class RelationPlan:
    name: str
    source_name: str
    source: SourceConfig | None
    connector: type[Connector] | None
    operation: Operation | None
    input_expression: str
    output_transform: str
    fields: tuple[str, ...]
    release_fields: tuple[str, ...]
    max_calls: int
    required: bool
    unavailable: tuple[Status, str] | None = None
    children: list["RelationPlan"] = field(default_factory=list)
    # The operation's markers, passed on with the released data (the profile's
    # always_pass_markers); empty otherwise.
    markers: tuple[str, ...] = ()


def plan_profile(profile, *, registry: Registry) -> list[RelationPlan]:
    """The profile's relation tree as plain data; `profile.relations` should be prefetched."""
    relations = list(profile.relations.all())
    plans: dict[int, RelationPlan] = {}
    for relation in relations:
        source = relation.source
        connector = registry[source.connector] if source.connector in registry else None
        operation = connector.operations_for(source.options or {}).get(relation.operation) if connector else None
        unavailable = None
        if not source.enabled:
            unavailable = (Status.SKIPPED, "Source is disabled.")
        elif connector is None or operation is None:
            unavailable = (Status.ERROR, "Relation is misconfigured: unknown connector or operation.")
        plans[relation.pk] = RelationPlan(
            name=relation.name,
            source_name=source.name,
            source=source.to_config() if unavailable is None else None,
            connector=connector,
            operation=operation,
            input_expression=relation.input_expression.strip(),
            output_transform=relation.output_transform.strip(),
            fields=tuple(relation.fields),
            release_fields=tuple(relation.allowed_release_fields),
            max_calls=relation.max_calls,
            required=relation.required,
            unavailable=unavailable,
            markers=tuple(operation.markers) if operation and getattr(profile, "always_pass_markers", False) else (),
        )
    roots = []
    for relation in relations:
        plan = plans[relation.pk]
        if relation.parent_id is None:
            roots.append(plan)
        elif relation.parent_id in plans:
            plans[relation.parent_id].children.append(plan)
    return roots


# --- the run ---------------------------------------------------------------------------------
@dataclass
class CallTrace:
    relation: str
    source: str
    operation: str
    params: dict[str, Any]
    result: ConnectorResult


@dataclass
class Node:
    """One use of a relation: for one parent item, the calls it made and what came back."""

    plan: RelationPlan
    item: Any
    batch: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    results: list[ConnectorResult] = field(default_factory=list)
    status: Status = Status.OK
    detail: str = ""
    raw: Any = None
    # Per item index of `raw` (an object is item 0), the child nodes by relation name.
    children: dict[int, dict[str, "Node"]] = field(default_factory=dict)

    def items(self) -> list[Any]:
        if isinstance(self.raw, dict):
            return [self.raw]
        if isinstance(self.raw, list):
            return self.raw
        return []


@dataclass
class RelationOutcome:
    source: str
    status: Status
    detail: str
    calls: int = 0


@dataclass
class EngineResult:
    data: dict[str, Any] | None
    relations: dict[str, RelationOutcome]
    traces: list[CallTrace]
    failed_required: list[str]
    transform_error: str = ""

    @property
    def complete(self) -> bool:
        return not any(o.status in FAILED_STATUSES for o in self.relations.values()) and not self.transform_error


def _params_from_input(plan: RelationPlan, item: Any, subject: Subject) -> tuple[list[dict[str, Any]], bool]:
    """The calls' parameters for one parent item, and whether they form a batch (a list)."""
    if not plan.input_expression:
        return [{subject.type: subject.value}], False
    outputs = evaluate_all(plan.input_expression, item)
    batch = len(outputs) > 1 or (len(outputs) == 1 and isinstance(outputs[0], list))
    flat: list[Any] = []
    for output in outputs:
        flat.extend(output if isinstance(output, list) else [output])
    params = []
    for value in flat:
        if value is None:
            continue
        if not isinstance(value, dict) or not all(
            isinstance(v, (str, int, float, bool)) for v in value.values()
        ):
            raise ExpressionError(
                "the input expression must give an object of simple values (or an array of them)"
            )
        params.append(value)
    return params, batch


def _new_node(plan: RelationPlan, item: Any, subject: Subject, budget: dict[str, int]) -> Node:
    node = Node(plan=plan, item=item)
    if plan.unavailable:
        node.status, node.detail = plan.unavailable
        return node
    if not plan.input_expression and subject.type not in plan.operation.subject_types:
        node.status, node.detail = Status.SKIPPED, f"{plan.operation.name} does not take a {subject.type}."
        return node
    try:
        params_list, node.batch = _params_from_input(plan, item, subject)
    except ExpressionError as exc:
        node.status, node.detail = Status.ERROR, f"Input expression failed: {exc}"
        return node
    if not params_list:
        node.status, node.detail = Status.NOT_FOUND, "Nothing to look up: the input gave no parameters."
        return node
    allowed = max(0, budget.get(plan.name, plan.max_calls))
    if len(params_list) > allowed:
        node.detail = f"Capped at {plan.max_calls} calls for this relation; {len(params_list) - allowed} not made."
        params_list = params_list[:allowed]
    budget[plan.name] = allowed - len(params_list)
    node.calls = [(f"{plan.name}#{id(node)}#{i}", params) for i, params in enumerate(params_list)]
    if not node.calls:
        node.status = Status.NOT_FOUND
    return node


def _settle(node: Node, results: dict[str, ConnectorResult], traces: list[CallTrace]) -> None:
    if not node.calls:
        return
    node.results = [results[key] for key, _ in node.calls]
    for (key, params), result in zip(node.calls, node.results):
        traces.append(CallTrace(node.plan.name, node.plan.source_name, node.plan.operation.name, params, result))
    node.status = worst(r.status for r in node.results)
    failures = [r.detail for r in node.results if r.status in FAILED_STATUSES and r.detail]
    details = [d for d in [node.detail, *failures[:1]] if d]
    node.detail = " ".join(details)
    values = [r.data for r in node.results if r.status is Status.OK]
    if not values:
        node.raw = None
    elif not node.batch:
        node.raw = values[0]
    elif node.plan.operation.many:
        node.raw = [item for value in values for item in (value or [])]
    else:
        node.raw = values


def _skip_subtree(plan: RelationPlan, detail: str, outcomes: dict[str, list[Node]]) -> None:
    for child in plan.children:
        outcomes.setdefault(child.name, []).append(
            Node(plan=child, item=None, status=Status.SKIPPED, detail=detail)
        )
        _skip_subtree(child, detail, outcomes)


def profile_execute(
    *,
    roots: list[RelationPlan],
    subject: Subject,
    context: CallContext,
    registry: Registry,
    deadline: float,
    breaker: CircuitBreaker | None,
    output_transform: str = "",
) -> EngineResult:
    subject_item = {"type": subject.type, "value": subject.value, subject.type: subject.value}
    budget: dict[str, int] = {}
    traces: list[CallTrace] = []
    memo: dict[str, ConnectorResult] = {}
    by_relation: dict[str, list[Node]] = {}
    top = [_new_node(plan, subject_item, subject, budget) for plan in roots]
    stage = list(top)
    while stage:
        calls = [
            SourceCall(
                key=key,
                source=node.plan.source,
                request=ConnectorRequest(node.plan.operation.name, params, node.plan.fields, context),
            )
            for node in stage
            for key, params in node.calls
        ]
        results = run_calls(calls, registry=registry, deadline=deadline, breaker=breaker, memo=memo)
        next_stage: list[Node] = []
        for node in stage:
            _settle(node, results, traces)
            by_relation.setdefault(node.plan.name, []).append(node)
            if node.raw is None:
                if node.status in FAILED_STATUSES:
                    _skip_subtree(node.plan, f"Not fetched: relation {node.plan.name} failed.", by_relation)
                continue
            for index, item in enumerate(node.items()):
                for child_plan in node.plan.children:
                    child = _new_node(child_plan, item, subject, budget)
                    node.children.setdefault(index, {})[child_plan.name] = child
                    next_stage.append(child)
        stage = next_stage

    outcomes = {
        name: RelationOutcome(
            source=nodes[0].plan.source_name,
            status=worst(n.status for n in nodes),
            detail=next((n.detail for n in nodes if n.status in FAILED_STATUSES and n.detail), "")
            or next((n.detail for n in nodes if n.detail), ""),
            calls=sum(len(n.calls) for n in nodes),
        )
        for name, nodes in by_relation.items()
    }
    data: dict[str, Any] = {}
    for node in top:
        data[node.plan.name] = _assemble(node, outcomes)
    failed_required = [
        name for name, outcome in outcomes.items()
        if outcome.status in FAILED_STATUSES and _plan_named(roots, name).required
    ]
    result = EngineResult(data=data, relations=outcomes, traces=traces, failed_required=failed_required)
    if output_transform:
        try:
            result.data = evaluate_one(output_transform, data)
        except ExpressionError as exc:
            result.data = None
            result.transform_error = f"The profile's output transform failed: {exc}"
    return result


def _plan_named(roots: list[RelationPlan], name: str) -> RelationPlan:
    stack = list(roots)
    while stack:
        plan = stack.pop()
        if plan.name == name:
            return plan
        stack.extend(plan.children)
    raise KeyError(name)


def _assemble(node: Node, outcomes: dict[str, RelationOutcome]) -> Any:
    if node.raw is None:
        return None
    released_items = []
    for index, item in enumerate(node.items()):
        released = select_fields(item, node.plan.release_fields)
        if released is None:
            continue  # not an object: nothing of it may be released
        released = markers_pass_on(item, released, node.plan.markers)
        for name, child in node.children.get(index, {}).items():
            released[name] = _assemble(child, outcomes)
        released_items.append(released)
    value: Any = released_items[0] if isinstance(node.raw, dict) and released_items else released_items
    if isinstance(node.raw, dict) and not released_items:
        value = None
    if node.plan.output_transform and value is not None:
        try:
            value = evaluate_one(node.plan.output_transform, value)
        except ExpressionError as exc:
            outcome = outcomes[node.plan.name]
            outcome.status, outcome.detail = Status.ERROR, f"Output transform failed: {exc}"
            return None
    return value
