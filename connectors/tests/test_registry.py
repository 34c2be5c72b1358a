"""Tests of the registry's checks of a plugin's declaration, made when it registers."""

import pytest

from connectors.base import Connector, Operation
from connectors.options import Options
from connectors.params import Param
from connectors.registry import RegistrationError, Registry, registry


def plugin(**attributes):
    attributes.setdefault("title", "Example")
    attributes.setdefault("operations", {"get": Operation("get", "", ("bsn",), ("a", "b"))})
    return type("Example", (Connector,), attributes)


def test_a_correct_plugin_is_registered_under_its_id():
    fresh = Registry()
    cls = fresh("example")(plugin())

    assert fresh["example"] is cls and cls.id == "example"


@pytest.mark.parametrize("attributes, words", [
    ({"operations": {"get": Operation("fetch", "", ("bsn",), ("a",))}},
     "operations['get'] is named 'fetch'; the key must equal the name"),
    ({"operations": {"get": Operation("get", "", ("bsn",), ("a", "b", "a"))}}, "lists fields more than once: a"),
    ({"operations": {"get": Operation("get", "", ("bsn",), ("a",), markers=("geheim",))}},
     "markers that are not among its fields: geheim"),
    ({"operations": {"get": Operation("get", "", ("bsn",), ("a",), parameters=(Param("jaar"),))}},
     "describes parameters it does not take: jaar"),
    ({"operations": {"get": "not an operation"}}, "operations['get'] is not an Operation"),
    ({"title": ""}, "set `title`"),
    ({"options_class": dict}, "`options_class` must be a subclass of connectors.options.Options"),
])
def test_a_wrong_declaration_is_refused_with_a_message_that_names_it(attributes, words):
    with pytest.raises(RegistrationError) as caught:
        Registry()("example")(plugin(**attributes))

    assert words in str(caught.value)
    assert "Example ('example') cannot be registered" in str(caught.value)


@pytest.mark.parametrize("connector_id, words", [
    ("x" * 51, "longer than 50 characters (Source.connector)"),
    ("Zaken", "must be lower-case letters"),
    ("zaken api", "must be lower-case letters"),
])
def test_an_id_that_does_not_fit_the_source_field_is_refused(connector_id, words):
    with pytest.raises(RegistrationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Registry()(connector_id)(plugin())


def test_a_class_that_is_not_a_connector_is_refused():
    with pytest.raises(RegistrationError, match="is not a subclass of connectors.base.Connector"):
        Registry()("example")(type("Loose", (), {"title": "x", "operations": {}}))


def test_the_installed_plugins_all_pass_the_checks():
    from connectors.registry import declaration_problems

    assert {cls.id for cls in registry} >= {"brp", "kvk", "zaken", "klantinteracties", "objecten", "bag", "generic"}
    assert {cls.id: declaration_problems(cls.id, cls) for cls in registry} == {cls.id: [] for cls in registry}


def test_every_operation_gets_a_schema_for_each_parameter_and_subject_type():
    operation = Operation("get", "", ("bsn",), ("a",), params=("jaar", "code"), parameters=(Param("code", pattern="[A-Z]+"),))

    assert [(p.name, p.pattern) for p in operation.parameters] == [("bsn", "[0-9]{9}"), ("jaar", ""), ("code", "[A-Z]+")]
    assert issubclass(Connector.options_class, Options)
