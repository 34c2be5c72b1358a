"""System checks (`manage.py check`) of the configured sources and the servers they use.

Configuration can go wrong outside the admin: a connector removed in an upgrade, a server
deleted or changed behind a source's back, options an older release accepted. These checks say
so at start-up, with stable ids (as Django's own checks do), instead of leaving it to the first
view that uses the source:

- `connectors.E001`: a source's connector is not installed;
- `connectors.E002`: a source's server does not exist;
- `connectors.E003`: a server named in a source's options (`..._service`) does not exist;
- `connectors.E004`: a source's options are no longer valid for its connector;
- `connectors.E005`: a server a source uses cannot be used as configured (API root, NLX
  outway, connection check path; see connectors/servers.py);
- `connectors.W001`: a server a source uses lacks the credentials its auth type needs (they may
  be set later, e.g. from the environment, but until then every call is refused).
- `connectors.W101` and `W102` (connectors/credentials.py): server credentials stored
  unencrypted, or encrypted with a key that is no longer in `IKO_SECRETS_KEY`.
Checks that need the database run only when `manage.py check --database` asks for it.
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from .servers import server_problems


@checks.register(checks.Tags.database)
def sources_check(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if not databases:
        return []
    from zgw_consumers.models import Service

    from .models import Source

    try:
        sources = list(Source.objects.all())
        servers = {service.pk: service for service in Service.objects.all()}
    except DatabaseError:
        return []  # not migrated yet: `migrate` comes first
    by_slug = {service.slug: service for service in servers.values()}
    messages: list[checks.CheckMessage] = []
    for source in sources:
        messages.extend(_source_messages(source, servers, by_slug))
    return messages


def _source_messages(source, servers: dict, by_slug: dict) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    name = f"Source {source.name!r}"
    connector_class = source.connector_class
    if connector_class is None:
        found.append(checks.Error(
            f"{name} uses the connector {source.connector!r}, which is not installed.",
            hint="Install the plugin app, or change or delete the source in the admin.",
            obj=source, id="connectors.E001",
        ))
    server = servers.get(source.service_id)
    if server is None:
        found.append(checks.Error(
            f"{name} uses a server (id {source.service_id}) that does not exist.",
            hint="Choose an existing server for the source in the admin.",
            obj=source, id="connectors.E002",
        ))
    used = [("", server)] if server is not None else []
    for key, slug in sorted(source.linked_service_slugs().items()):
        if slug not in by_slug:
            found.append(checks.Error(
                f"{name} names the server {slug!r} in its option {key}, and there is no such server.",
                hint="Create the server, or correct the option in the admin.",
                obj=source, id="connectors.E003",
            ))
        else:
            used.append((key, by_slug[slug]))
    if connector_class is not None:
        try:
            connector_class.validate_options(source.options or {})
        except ValidationError as exc:
            found.append(checks.Error(
                f"{name} has options its connector no longer accepts: {' '.join(exc.messages)}",
                hint="Open the source in the admin, correct the options and save it.",
                obj=source, id="connectors.E004",
            ))
    for key, service in used:
        where = f"the server {service.slug!r}" + (f" (option {key})" if key else "")
        problems = server_problems(service, credentials=False)
        if problems:
            found.append(checks.Error(
                f"{name} uses {where}, which cannot be used as configured: {' '.join(problems)}",
                hint="Correct the server in the admin.",
                obj=source, id="connectors.E005",
            ))
        elif missing := server_problems(service):
            found.append(checks.Warning(
                f"{name} uses {where}, which lacks credentials: {' '.join(missing)}",
                hint="Set the credentials in the admin or in the environment; until then calls are refused.",
                obj=source, id="connectors.W001",
            ))
    return found
