"""JQ expressions (profiles, relations, regelingen, front-door aliases) cannot read the process
environment, where IKO's secrets are: it reads as empty (profiles/definitions/expressions.py)."""

from profiles.definitions.expressions import evaluate_one, validate_expression


def test_an_expression_cannot_read_the_process_environment(monkeypatch):
    monkeypatch.setenv("IKO_SECRET_KEY", "a-secret-that-must-stay-in")

    result = evaluate_one("{a: env.IKO_SECRET_KEY, b: $ENV.IKO_SECRET_KEY, c: ($ENV | length), d: (env | keys)}", {})

    assert result == {"a": None, "b": None, "c": 0, "d": []}


def test_own_definitions_and_comments_still_work():
    validate_expression("def naam: .naam.volledigeNaam; {naam: naam} # the name only")

    assert evaluate_one("def naam: .naam.volledigeNaam; {naam: naam} # the name only",
                        {"naam": {"volledigeNaam": "Suzanne Moulin"}}) == {"naam": "Suzanne Moulin"}
