"""Regelingen benchmark: the extra time and CPU per view of evaluating the demo regelingen.

    .venv/bin/python bench/regelingen.py [--rounds 2000] [--record http://127.0.0.1:8000]

Measured in-process, without network or database: the three regelingen of demo/config.yaml
(bijzondere-bijstand, kwijtschelding-gemeentelijke-belastingen, stadspas) are evaluated over
recorded views of the profile regelingentoets (bench/data/regelingentoets-views.json: a person
who qualifies for two, one for two others, one for none), as `profiles.regelingen.services` does
per request after the fan-out: each regeling's criteria in order over the view data, then the
answer's suggestion entries. The rules are built from the file as the service builds them from the
database (the field names each criterion reads, the relations behind them); the JQ is compiled
once, as in a running worker. Reported per view: wall time p50/p95/p99 and CPU time (this
thread), against the target of 2 ms for three regelingen. The verdict takes the CPU time's p95 and
the wall time's median: on a loaded machine the wall time's tail is time spent waiting for a core
(the load average is printed beside it), not time the evaluation needs.

`--record BASE` refreshes the recording from a running `manage.py demo` (its public demo token).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from profiles.regelingen.evaluation import (  # noqa: E402
    CriterionRule,
    Outcome,
    RegelingRule,
    criterion_fields,
    regeling_evaluate,
)
from profiles.definitions.jq_paths import expression_read_paths  # noqa: E402
from profiles.regelingen.paths import relations_read  # noqa: E402

RECORDING = REPO / "bench" / "data" / "regelingentoets-views.json"
CONFIG = REPO / "demo" / "config.yaml"
PROFILE = "regelingentoets"
PURPOSE = "proactieve-dienstverlening"
DEMO_TOKEN = "iko_demo_token_only_for_the_local_demo"
BSNS = ["999993847", "999970008", "999993653"]
TARGET_MS = 2.0
FAILED = {"error", "timeout", "skipped"}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def relation_paths(relations: list[dict], prefix: str = "") -> dict[str, str]:
    paths: dict[str, str] = {}
    for relation in relations:
        path = f"{prefix}{relation['name']}"
        paths[relation["name"]] = path
        paths.update(relation_paths(relation.get("relations") or [], path + "."))
    return paths


def demo_rules() -> list[RegelingRule]:
    """The demo regelingen of demo/config.yaml as the service's plain rules."""
    document = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    # demo/config.yaml is a django-setup-configuration file: one step's items per kind of object.
    profile = next(p for p in document["iko_profiles"]["items"] if p["name"] == PROFILE)
    paths = relation_paths(profile["relations"])
    rules = []
    for item in document["iko_regelingen"]["items"]:
        if item["profile"] != PROFILE or not item.get("enabled", True):
            continue
        criteria = tuple(
            CriterionRule(order=i, expression=c["expression"].strip(), text=c["text"],
                          fields=expression_read_paths(c["expression"].strip()))
            for i, c in enumerate(item["criteria"])
        )
        rules.append(RegelingRule(
            name=item["name"], title=item["title"], description=item.get("description", ""),
            product_url=item.get("productUrl", ""), upl_code=item.get("uplCode", ""), purpose_code=item["purpose"],
            needs_consent=item.get("needsConsent", False), criteria=criteria,
            relations=relations_read([f for c in criteria for f in c.fields], paths,
                                     transformed=bool(profile.get("outputTransform", "").strip())),
        ))
    return rules


def evaluate_view(rules: list[RegelingRule], view: dict) -> list:
    """What the service does per view once the data is there: evaluate, then describe."""
    failed = {name: name for name, r in view["relations"].items() if r["status"] in FAILED}
    results = [regeling_evaluate(rule=rule, data=view["data"], failed=failed) for rule in rules]
    return [
        {"regeling": r.rule.name, "why": [{"criterion": c.text, "fields": criterion_fields(c)} for c in r.held]}
        for r in results if r.outcome is Outcome.ELIGIBLE
    ], results


def record(base: str) -> None:
    import requests

    views = []
    for bsn in BSNS:
        response = requests.post(
            f"{base}/api/v1/profiles/{PROFILE}/view", timeout=15,
            json={"subject": {"type": "bsn", "value": bsn}, "purpose": PURPOSE},
            headers={"Authorization": f"Token {DEMO_TOKEN}"},
        )
        response.raise_for_status()
        body = response.json()
        views.append({"subject": bsn, "data": body["data"],
                      "relations": {k: {"status": v["status"]} for k, v in body["relations"].items()}})
    RECORDING.write_text(json.dumps({
        "recordedFrom": f"manage.py demo, POST /api/v1/profiles/{PROFILE}/view, purpose {PURPOSE}", "views": views,
    }, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Recorded {len(views)} views in {RECORDING.relative_to(REPO)}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2000, help="evaluations per recorded view")
    parser.add_argument("--record", metavar="BASE", help="refresh the recording from a running demo first")
    args = parser.parse_args()
    if args.record:
        record(args.record.rstrip("/"))
    views = json.loads(RECORDING.read_text(encoding="utf-8"))["views"]
    rules = demo_rules()
    for view in views:  # warm up: compile every expression once, as a running worker has
        evaluate_view(rules, view)

    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(args.rounds):
        for view in views:
            w0, c0 = time.perf_counter(), time.thread_time()
            evaluate_view(rules, view)
            cpu.append((time.thread_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)

    print(f"regelingen benchmark, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
          f"{platform.machine()}")
    print(f"{len(rules)} regelingen ({', '.join(r.name for r in rules)}), "
          f"{sum(len(r.criteria) for r in rules)} criteria, {len(views)} recorded views x {args.rounds} rounds")
    for view in views:
        suggestions, results = evaluate_view(rules, view)
        outcomes = ", ".join(f"{r.rule.name}={r.outcome.value}" for r in results)
        print(f"  view {view['subject']}: {outcomes}")
    print(f"extra wall time per view: p50 {percentile(wall, 50):.3f} ms, p95 {percentile(wall, 95):.3f} ms, "
          f"p99 {percentile(wall, 99):.3f} ms, mean {statistics.mean(wall):.3f} ms")
    print(f"extra CPU time per view:  mean {statistics.mean(cpu):.3f} ms, p95 {percentile(cpu, 95):.3f} ms")
    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    met = percentile(cpu, 95) < TARGET_MS and percentile(wall, 50) < TARGET_MS
    print(f"target: under {TARGET_MS:g} ms for three regelingen per view (CPU p95, wall p50): "
          f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
