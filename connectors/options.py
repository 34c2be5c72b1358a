"""A connector's options, declared once as a class: each option's type, range and default.

A source's options are JSON that an admin types into the admin. A connector declares what it
takes as a subclass of `Options`, one attribute per option::

    class BagOptions(Options):
        max_adressen = Integer(default=100, minimum=1, maximum=1000,
                               help="the most addresses one search returns")

`BagOptions.parse(raw)` checks every option at once and raises one `ValidationError` that lists
every problem (unknown keys included: a misspelt option would otherwise silently do nothing);
it returns an instance whose attributes are the values with the defaults filled in.
`as_dict()` is what the Source model stores. Cross-option rules go in `check()`.

The messages are sentences for the admin: `messages` on the class, or `messages=` on one option,
replaces a default wording (as Django's `error_messages` do). Placeholders: `{name}`, `{minimum}`,
`{maximum}`, `{default}`, `{got}` (", not 0" for a whole number out of range), `{choices}`,
`{about}` (" (the option's help)" or ""); for unknown keys `{unknown}` and `{known}`. A text value is never repeated in a message: it may be a secret or a URL
with an identifier in it.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Iterator, Mapping

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

# Keys ending in this suffix name another server by its slug (connectors.models.Source).
SERVICE_SUFFIX = "_service"

DEFAULT_MESSAGES = {
    "unknown": _("Unknown options: {unknown}. Known: {known}."),
    "object": _("Options must be a JSON object."),
    "integer": _("Option {name} must be a whole number from {minimum} to {maximum}{about}."),
    "range": _("Option {name} must be a whole number from {minimum} to {maximum}{got}{about}."),
    "boolean": _("Option {name} must be true or false{about}."),
    "choice": _("Option {name} must be one of {choices}{about}."),
    "text": _("Option {name} must be text{about}."),
    "pattern": _("Option {name} has the wrong form{about}."),
    "required": _("Option {name} is required{about}."),
    "url": _("Option {name} must be an http(s) URL{about}."),
    "server": _("Option {name} must be the slug of a server (text){about}."),
}


class OptionInvalid(Exception):
    """Raised by an option's `clean` with the message key (or ready messages) of the problem."""

    def __init__(self, key: str = "", *, messages: list[str] | None = None, **context: Any):
        super().__init__(key)
        self.key = key
        self.messages = messages or []
        self.context = context


class Option:
    """One option: its default, whether it must be given, and a short help text."""

    def __init__(self, *, default: Any = None, required: bool = False, help: str = "",
                 messages: Mapping[str, str] | None = None):
        self.default = default
        self.required = required
        self.help = help
        self.messages = dict(messages or {})
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return instance._values[self.name]

    def clean(self, value: Any) -> Any:
        """The cleaned value, or OptionInvalid."""
        return value

    def context(self) -> dict[str, Any]:
        return {"name": self.name, "about": f" ({self.help})" if self.help else "", "got": "", "default": self.default}

    def is_empty(self, value: Any) -> bool:
        return value is None


class Integer(Option):
    """A whole number from `minimum` to `maximum` (JSON numbers only: "10" is refused)."""

    def __init__(self, *, default: int, minimum: int, maximum: int, **kwargs: Any):
        super().__init__(default=default, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def context(self) -> dict[str, Any]:
        return {**super().context(), "minimum": self.minimum, "maximum": self.maximum}

    def clean(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionInvalid("integer")
        if not self.minimum <= value <= self.maximum:
            raise OptionInvalid("range", got=f", not {value}")
        return value


class Boolean(Option):
    def clean(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise OptionInvalid("boolean")
        return value


class Choice(Option):
    """One of a fixed set of JSON values (text, true, false...)."""

    def __init__(self, *, choices: tuple[Any, ...], **kwargs: Any):
        super().__init__(**kwargs)
        self.choices = choices

    def context(self) -> dict[str, Any]:
        shown = ", ".join(str(c).lower() if isinstance(c, bool) else str(c) for c in self.choices)
        return {**super().context(), "choices": shown}

    def clean(self, value: Any) -> Any:
        # `True == 1` in Python: compare types as well, so 1 is not taken for true.
        if not any(value == choice and type(value) is type(choice) for choice in self.choices):
            raise OptionInvalid("choice")
        return value


class Text(Option):
    """Text, stripped; `pattern` (a full match) when given. Empty text counts as not given."""

    def __init__(self, *, default: str = "", pattern: str | None = None, **kwargs: Any):
        super().__init__(default=default, **kwargs)
        self.pattern = re.compile(pattern) if pattern else None

    def is_empty(self, value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def clean(self, value: Any) -> str:
        if not isinstance(value, str):
            raise OptionInvalid("text")
        value = value.strip()
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise OptionInvalid("pattern")
        return value


class Url(Text):
    """An http or https URL."""

    def clean(self, value: Any) -> str:
        if not isinstance(value, str):
            raise OptionInvalid("url")
        try:
            URLValidator(schemes=["http", "https"])(value.strip())
        except ValidationError:
            raise OptionInvalid("url") from None
        return value.strip()


class Server(Text):
    """The slug of another configured server; the option's name must end in `_service`, so the
    Source model finds it, checks that the server exists and loads it before the fan-out."""

    def clean(self, value: Any) -> str:
        if not isinstance(value, str):
            raise OptionInvalid("server")
        return value.strip()


class Custom(Option):
    """An option with its own cleaning function: `clean(value)` returns the cleaned value or raises
    OptionInvalid (with `messages=` for several ready sentences) or ValueError(message)."""

    def __init__(self, *, clean, **kwargs: Any):
        super().__init__(**kwargs)
        self._clean = clean

    def clean(self, value: Any) -> Any:
        try:
            return self._clean(value)
        except ValueError as exc:
            raise OptionInvalid(messages=[str(exc)]) from None


class Options:
    """Base of a connector's declared options; a subclass with no options refuses every key."""

    # Wording per message key; subclasses replace single entries.
    messages: ClassVar[Mapping[str, str]] = {}
    # False: store only what was given (checked), not the defaults (as_dict).
    fill_defaults: ClassVar[bool] = True
    declared: ClassVar[dict[str, Option]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Option] = {}
        for klass in reversed(cls.__mro__):
            declared.update({k: v for k, v in vars(klass).items() if isinstance(v, Option)})
        cls.declared = declared
        merged = dict(DEFAULT_MESSAGES)
        for klass in reversed(cls.__mro__):
            merged.update(vars(klass).get("messages", {}))
        cls.messages = merged
        for name, option in declared.items():
            if isinstance(option, Server) and not name.endswith(SERVICE_SUFFIX):
                raise TypeError(f"{cls.__name__}.{name}: a server option's name ends in {SERVICE_SUFFIX!r}.")

    def __init__(self, values: Mapping[str, Any], given: set[str]):
        self._values = dict(values)
        self._given = given

    # --- parsing -------------------------------------------------------------------------------
    @classmethod
    def message(cls, option: Option | None, key: str, **context: Any) -> str:
        template = (option.messages.get(key) if option else None) or cls.messages.get(key) or DEFAULT_MESSAGES[key]
        return str(template).format(**{**(option.context() if option else {}), **context})

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> "Options":
        """The options with defaults filled in; ValidationError listing every problem."""
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise ValidationError([cls.message(None, "object")])
        errors: list[str] = []
        unknown = sorted(set(raw) - set(cls.declared), key=str)
        if unknown:
            errors.append(cls.message(
                None, "unknown", unknown=", ".join(map(str, unknown)), known=cls.known(),
                unknown_list=list(unknown), known_list=list(cls.declared),
            ))
        values: dict[str, Any] = {}
        given: set[str] = set()
        for name, option in cls.declared.items():
            value = raw.get(name)
            if option.is_empty(value):
                if option.required:
                    errors.append(cls.message(option, "required"))
                values[name] = option.default
                continue
            try:
                values[name] = option.clean(value)
                given.add(name)
            except OptionInvalid as exc:
                errors.extend(exc.messages or [cls.message(option, exc.key, **exc.context)])
                values[name] = option.default
        if not errors:
            errors.extend(cls(values, given).check())
        if errors:
            raise ValidationError(errors)
        return cls(values, given)

    @classmethod
    def clean(cls, raw: Mapping[str, Any] | None) -> dict[str, Any]:
        """What the Source model stores: `parse(raw).as_dict()`."""
        return cls.parse(raw).as_dict()

    @classmethod
    def known(cls) -> str:
        """The known options for the "unknown options" message, with their help where given."""
        if not cls.declared:
            return "none: this connector takes no options"
        return "; ".join(f"{n}: {o.help}" if o.help else n for n, o in cls.declared.items())

    @classmethod
    def linked_servers(cls) -> tuple[str, ...]:
        """The names of the options that name another server."""
        return tuple(name for name, option in cls.declared.items() if isinstance(option, Server))

    # --- the parsed options ---------------------------------------------------------------------
    def check(self) -> list[str]:
        """Rules between options (every option is valid on its own here); messages, or []."""
        return []

    def as_dict(self) -> dict[str, Any]:
        """The options to store: every value (or only those given), empty ones left out."""
        stored = {}
        for name, option in self.declared.items():
            value = self._values[name]
            if option.is_empty(value) or (not self.fill_defaults and name not in self._given):
                continue
            stored[name] = value
        return stored

    def __iter__(self) -> Iterator[str]:
        return iter(self.declared)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values == self._values  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values!r})"


class NoOptions(Options):
    """For a connector that takes no options."""
