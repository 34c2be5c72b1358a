"""Tests of declared connector options (connectors/options.py): defaults, types, ranges, unknown
keys, every problem at once, and the messages an admin reads."""

import pytest
from django.core.exceptions import ValidationError

from connectors.options import Boolean, Choice, Custom, Integer, Options, Server, Text, Url


class Example(Options):
    limit = Integer(default=10, minimum=1, maximum=50, help="the most items per call")
    mode = Choice(default="fast", choices=("fast", "careful", True))
    strict = Boolean(default=False)
    code = Text(pattern=r"[0-9]{4}")
    home = Url()
    other_service = Server()

    def check(self):
        return ["careful needs a code."] if self.mode == "careful" and not self.code else []


def messages(raw):
    with pytest.raises(ValidationError) as caught:
        Example.parse(raw)
    return caught.value.messages


def test_missing_options_get_their_defaults_and_are_readable_as_attributes():
    options = Example.parse({})

    assert (options.limit, options.mode, options.strict, options.code) == (10, "fast", False, "")
    assert Example.clean({}) == {"limit": 10, "mode": "fast", "strict": False}


def test_given_options_are_cleaned_and_empty_texts_are_not_stored():
    cleaned = Example.clean({"limit": 50, "mode": True, "code": " 1234 ", "other_service": " zaken ", "home": ""})

    assert cleaned == {"limit": 50, "mode": True, "strict": False, "code": "1234", "other_service": "zaken"}


def test_an_unknown_option_is_refused_naming_it_and_the_known_ones_with_their_help():
    (message,) = messages({"limt": 5})

    assert message.startswith("Unknown options: limt. Known: limit: the most items per call; mode;")


@pytest.mark.parametrize("value", ["10", True, 2.5, 0])
def test_a_whole_number_option_refuses_text_booleans_fractions_and_values_out_of_range(value):
    got = ", not 0" if value == 0 and value is not False else ""
    assert messages({"limit": value}) == [f"Option limit must be a whole number from 1 to 50{got} (the most items per call)."]


def test_a_choice_compares_types_so_one_is_not_true():
    assert messages({"mode": 1}) == ["Option mode must be one of fast, careful, true."]


def test_every_problem_is_listed_at_once_and_cross_option_rules_wait_for_valid_options():
    assert messages({"limit": 99, "strict": "yes", "code": "12", "home": "ftp://x.example"}) == [
        "Option limit must be a whole number from 1 to 50, not 99 (the most items per call).",
        "Option strict must be true or false.",
        "Option code has the wrong form.",
        "Option home must be an http(s) URL.",
    ]
    assert messages({"mode": "careful"}) == ["careful needs a code."]


def test_options_must_be_an_object():
    assert messages(["limit"]) == ["Options must be a JSON object."]


def test_a_plugin_can_replace_the_wording_of_one_message():
    class Worded(Options):
        messages = {"range": "{name} must be from {minimum} to {maximum}{got}."}
        size = Integer(default=1, minimum=1, maximum=5, messages={"integer": "Give {name} as a number."})

    with pytest.raises(ValidationError) as caught:
        Worded.parse({"size": 9})
    assert caught.value.messages == ["size must be from 1 to 5, not 9."]
    with pytest.raises(ValidationError) as caught:
        Worded.parse({"size": "9"})
    assert caught.value.messages == ["Give size as a number."]


def test_a_custom_option_reports_its_own_sentences():
    def even(value):
        if value % 2:
            raise ValueError("steps: must be even")
        return value

    class Stepped(Options):
        steps = Custom(default=2, clean=even)

    assert Stepped.clean({"steps": 4}) == {"steps": 4}
    with pytest.raises(ValidationError) as caught:
        Stepped.parse({"steps": 3})
    assert caught.value.messages == ["steps: must be even"]


def test_without_fill_defaults_only_what_was_given_is_stored():
    class AsGiven(Options):
        fill_defaults = False
        flag = Boolean(default=False)
        size = Integer(default=3, minimum=1, maximum=5)

    assert AsGiven.clean({}) == {}
    assert AsGiven.clean({"flag": False}) == {"flag": False}


def test_a_server_option_must_be_named_like_one_so_the_source_loads_the_server():
    with pytest.raises(TypeError, match="ends in '_service'"):
        type("Wrong", (Options,), {"catalogi": Server()})
    assert Example.linked_servers() == ("other_service",)


def test_no_options_refuses_every_key():
    from connectors.options import NoOptions

    assert NoOptions.clean({}) == {}
    with pytest.raises(ValidationError, match="Known: none: this connector takes no options"):
        NoOptions.parse({"x": 1})
