"""The profile engine: runs a profile's relation tree as a dataflow and assembles the view.

Fetching: every call starts the moment its own input is known. The top-level relations start at
once, fed from the subject; a child relation starts for an item of its parent's data as soon as
the parent's answer is in, whatever its parent's siblings are still doing; a relation whose input
expression needs nothing but the subject (`{bsn: $subject.value}`, see
`expressions.needs_only_subject`) starts with the top-level relations, wherever it sits in the
tree. Where a relation appears in the view and what it waits for are two different things.

A child runs once per item of its parent's data (the object, or each element of a list); its
JQ input expression turns that item into call parameters (an array means one call per element).
Calls run on the shared pool (`connectors.runner.CallSet`): identical calls run once per view, a
relation makes at most `max_calls` calls (when that cap is reached, the items whose parents
answered first get them), a source with an open circuit is skipped, and everything stops at the
view's deadline. A relation that fails stops only its own subtree. A subject-fed relation whose
parent ends without items was asked for nothing: its early call is not waited for, but it is
still listed among the calls made (the processing record names every source that was asked).

Assembling: each relation's data is cut down to its release fields (whatever a source sends
beyond them never leaves IKO; the source's markers about the data are added back when the
profile passes them on always), its children's results are placed in each item under their names,
and then its output transform (JQ) shapes it. Finally the profile's transform shapes the view.
The call records (`EngineResult.calls`) say when each distinct call ran and which calls it waited
for, without parameters or data.

See docs/developer/architecture.md ("One view, through the layers", steps 4 to 7).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from connectors.base import CallContext, Connector, ConnectorRequest, ConnectorResult, Operation, SourceConfig, Status
from connectors.breaker import CircuitBreaker
from connectors.registry import Registry
from connectors.runner import CallSet, SourceCall

from profiles.definitions.expressions import ExpressionError, evaluate_all, evaluate_one, needs_only_subject
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
    # A child whose input needs only the subject: its call starts with the top-level relations.
    early: bool = False
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
            early=relation.parent_id is not None and needs_only_subject(relation.input_expression.strip()),
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


@dataclass(frozen=True)
class CallRecord:
    """When one distinct call of a view ran (milliseconds since the view's start), and the calls
    whose answers it waited for (indexes into `EngineResult.calls`). No parameters, no data."""

    relation: str
    source: str
    start_ms: float
    end_ms: float
    after: tuple[int, ...]


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
    # The calls' signatures (connectors.runner), and how many of them are still running.
    signatures: list[str] = field(default_factory=list)
    waiting: int = 0

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
    calls: list[CallRecord] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not any(o.status in FAILED_STATUSES for o in self.relations.values()) and not self.transform_error


def subject_item(subject: Subject) -> dict[str, Any]:
    """The subject as expressions see it: `.` of a top-level relation, and `$subject` everywhere."""
    return subject.attributes()


def _params_from_input(plan: RelationPlan, item: Any, subject: Subject,
                       variables: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], bool]:
    """The calls' parameters for one parent item, and whether they form a batch (a list)."""
    if not plan.input_expression:
        return [{subject.type: subject.value}], False
    # An input that needs only the subject reads no item: don't hand it one to serialise.
    outputs = evaluate_all(plan.input_expression, None if plan.early else item, subject_item(subject), variables)
    batch = len(outputs) > 1 or (len(outputs) == 1 and isinstance(outputs[0], list))
    flat: list[Any] = []
    for output in outputs:
        flat.extend(output if isinstance(output, list) else [output])
    params = []
    item_params = set(plan.operation.item_params)
    for value in flat:
        if value is None:
            continue
        if not isinstance(value, dict) or not all(
            isinstance(v, (str, int, float, bool)) or (k in item_params and isinstance(v, dict))
            for k, v in value.items()
        ):
            raise ExpressionError(
                "the input expression must give an object of simple values (or an array of them)"
                + (f"; only {', '.join(sorted(item_params))} may be an object" if item_params else "")
            )
        params.append(value)
    return params, batch


def _new_node(plan: RelationPlan, item: Any, subject: Subject, budget: dict[str, int],
              known: dict[str, Any] | None = None, variables: dict[str, Any] | None = None) -> Node:
    """`known`: per relation that needs only the subject, its parameters (or failure) once worked
    out: the same for every item, so its expression runs once per view. `variables`: the
    request's JQ variables (profiles/definitions/expressions.py)."""
    node = Node(plan=plan, item=item)
    if plan.unavailable:
        node.status, node.detail = plan.unavailable
        return node
    if not plan.input_expression and subject.type not in plan.operation.subject_types:
        node.status, node.detail = Status.SKIPPED, f"{plan.operation.name} does not take a {subject.type}."
        return node
    try:
        if known is not None and plan.early:
            if plan.name not in known:
                try:
                    known[plan.name] = _params_from_input(plan, item, subject, variables)
                except ExpressionError as exc:
                    known[plan.name] = exc
            if isinstance(known[plan.name], ExpressionError):
                raise known[plan.name]
            params_list, node.batch = known[plan.name]
        else:
            params_list, node.batch = _params_from_input(plan, item, subject, variables)
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


def _settle(node: Node, results: list[ConnectorResult]) -> None:
    if not node.calls:
        return
    node.results = results
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


class _Schedule:
    """One view's dataflow: nodes start their calls as soon as their input is known, and a node
    whose calls have all answered settles and starts its children at once."""

    def __init__(self, *, subject: Subject, context: CallContext, registry: Registry, deadline: float,
                 breaker: CircuitBreaker | None, variables: dict[str, Any] | None = None):
        self.subject, self.context, self.variables = subject, context, variables
        self.calls = CallSet(registry=registry, deadline=deadline, breaker=breaker)
        self.started = time.monotonic()
        self.budget: dict[str, int] = {}
        self.waiting_on: dict[str, list[Node]] = {}  # signature -> nodes waiting for it
        self.open = 0  # nodes of the tree still waiting for an answer
        self.after: dict[str, tuple[str, ...]] = {}  # signature -> the signatures it waited for
        self.records: dict[str, tuple[str, str]] = {}  # signature -> (relation, source), in start order
        self.early: dict[str, Node] = {}  # relation name -> its early (subject-fed) node
        self.known: dict[str, Any] = {}  # relation name -> parameters of a subject-fed relation

    def node(self, plan: RelationPlan, item: Any, parent: Node | None) -> Node:
        node = _new_node(plan, item, self.subject, self.budget, self.known, self.variables)
        self._start(node, after=tuple(parent.signatures) if parent else (), tree=True)
        return node

    def start_early(self, plans: list[RelationPlan]) -> None:
        """Start the subject-fed relations below the top level (depth first, in tree order)."""
        for plan in plans:
            for child in plan.children:
                if child.early and not child.unavailable:
                    # Its first node in the tree gets the same parameters and cap, so that node's
                    # calls are these: the budget is not spent here, but there.
                    node = _new_node(child, subject_item(self.subject), self.subject, dict(self.budget), self.known,
                                     self.variables)
                    self._start(node, after=(), tree=False)
                    self.early[child.name] = node
            self.start_early(plan.children)

    def _start(self, node: Node, *, after: tuple[str, ...], tree: bool) -> None:
        plan = node.plan
        for key, params in node.calls:
            call = SourceCall(key=key, source=plan.source,
                              request=ConnectorRequest(plan.operation.name, params, plan.fields, self.context))
            signature = self.calls.start(call)
            node.signatures.append(signature)
            if signature not in self.records:
                self.records[signature] = (plan.name, plan.source_name)
                self.after[signature] = after
        if not tree:
            return
        pending = {s for s in node.signatures if self.calls.result(s) is None}
        for signature in pending:
            self.waiting_on.setdefault(signature, []).append(node)
        node.waiting = len(pending)
        if pending:
            self.open += 1
        else:
            self._complete(node)

    def _complete(self, node: Node) -> None:
        _settle(node, [self.calls.result(s) for s in node.signatures])
        for index, item in enumerate(node.items()):
            for child_plan in node.plan.children:
                node.children.setdefault(index, {})[child_plan.name] = self.node(child_plan, item, node)

    def run(self) -> None:
        while self.open:
            settled = self.calls.wait()
            if not settled and not self.calls.running:
                raise RuntimeError("engine: nodes wait for calls that are not running")  # a bug, never data
            for signature in settled:
                for node in self.waiting_on.pop(signature, ()):
                    node.waiting -= 1
                    if node.waiting == 0:
                        self.open -= 1
                        self._complete(node)
        # Early calls nobody turned out to need are not waited for.
        for signature in self.calls.abandon():
            self.calls.memo[signature] = ConnectorResult.failed(
                Status.SKIPPED, "Started early for a relation whose parent gave no item; not waited for.")

    def call_records(self) -> list[CallRecord]:
        index = {signature: i for i, signature in enumerate(self.records)}
        now = time.monotonic()

        def offset(moment: float | None) -> float:
            return round(((moment if moment is not None else now) - self.started) * 1000, 1)

        return [
            CallRecord(relation, source, offset(self.calls.started_at.get(signature)),
                       offset(self.calls.settled_at.get(signature)),
                       tuple(sorted({index[a] for a in self.after[signature] if a in index})))
            for signature, (relation, source) in self.records.items()
        ]


def _skip_subtree(plan: RelationPlan, detail: str, outcomes: dict[str, list[Node]],
                  early: dict[str, Node], counted: set[str]) -> None:
    for child in plan.children:
        skipped = Node(plan=child, item=None, status=Status.SKIPPED, detail=detail)
        if child.name in early and child.name not in counted:
            # Its early call was made: say so, and count it (once).
            skipped.calls, skipped.detail = early[child.name].calls, detail.replace("Not fetched", "Not used")
            counted.add(child.name)
        outcomes.setdefault(child.name, []).append(skipped)
        _skip_subtree(child, detail, outcomes, early, counted)


def _collect(top: list[Node], schedule: _Schedule) -> tuple[list[CallTrace], dict[str, list[Node]]]:
    """The calls and the nodes per relation, in the tree's breadth-first order (stable)."""
    traces: list[CallTrace] = []
    by_relation: dict[str, list[Node]] = {}
    placed: set[str] = set()  # relations with a node in the tree (their calls are traced there)
    counted: set[str] = set()  # relations whose early calls a skipped node already counts

    def trace(node: Node) -> None:
        for (_, params), signature in zip(node.calls, node.signatures):
            result = schedule.calls.result(signature)
            traces.append(CallTrace(node.plan.name, node.plan.source_name, node.plan.operation.name, params, result))

    queue = list(top)
    while queue:
        node = queue.pop(0)
        trace(node)
        by_relation.setdefault(node.plan.name, []).append(node)
        placed.add(node.plan.name)
        counted.add(node.plan.name)
        if node.raw is None and node.status in FAILED_STATUSES:
            _skip_subtree(node.plan, f"Not fetched: relation {node.plan.name} failed.", by_relation,
                          schedule.early, counted)
        for index in sorted(node.children):
            queue.extend(node.children[index].values())
    for name, node in schedule.early.items():
        if name not in placed:
            trace(node)  # asked early, then not needed: the source was still asked
    return traces, by_relation


def profile_execute(
    *,
    roots: list[RelationPlan],
    subject: Subject,
    context: CallContext,
    registry: Registry,
    deadline: float,
    breaker: CircuitBreaker | None,
    output_transform: str = "",
    variables: dict[str, Any] | None = None,
) -> EngineResult:
    """Run the plan for the subject. `variables` are the request's JQ variables
    (profiles/definitions/expressions.py: `$idParam`, `$sortParams`, `$filterParams`)."""
    schedule = _Schedule(subject=subject, context=context, registry=registry, deadline=deadline, breaker=breaker,
                         variables=variables)
    top = [schedule.node(plan, subject_item(subject), None) for plan in roots]
    schedule.start_early(roots)
    schedule.run()
    traces, by_relation = _collect(top, schedule)

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
        data[node.plan.name] = _assemble(node, outcomes, subject_item(subject), variables)
    failed_required = [
        name for name, outcome in outcomes.items()
        if outcome.status in FAILED_STATUSES and _plan_named(roots, name).required
    ]
    result = EngineResult(data=data, relations=outcomes, traces=traces, failed_required=failed_required,
                          calls=schedule.call_records())
    if output_transform:
        try:
            result.data = evaluate_one(output_transform, data, subject_item(subject), variables)
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


def _assemble(node: Node, outcomes: dict[str, RelationOutcome], subject: dict[str, Any],
              variables: dict[str, Any] | None = None) -> Any:
    if node.raw is None:
        return None
    released_items = []
    for index, item in enumerate(node.items()):
        released = select_fields(item, node.plan.release_fields)
        if released is None:
            continue  # not an object: nothing of it may be released
        released = markers_pass_on(item, released, node.plan.markers)
        for name, child in node.children.get(index, {}).items():
            released[name] = _assemble(child, outcomes, subject, variables)
        released_items.append(released)
    value: Any = released_items[0] if isinstance(node.raw, dict) and released_items else released_items
    if isinstance(node.raw, dict) and not released_items:
        value = None
    if node.plan.output_transform and value is not None:
        try:
            value = evaluate_one(node.plan.output_transform, value, subject, variables)
        except ExpressionError as exc:
            outcome = outcomes[node.plan.name]
            outcome.status, outcome.detail = Status.ERROR, f"Output transform failed: {exc}"
            return None
    return value
