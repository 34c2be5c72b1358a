"""The seven demo sources as one set: start them, and name their API roots for the demo configuration.
(The Zaken source also serves the Documenten and Besluiten APIs, each on its own API root, as Open
Zaak does.)

`manage.py demo` starts them next to IKO on loopback; `manage.py demo_sources` starts them alone
(the demo sources' own container in docker-compose.yml), and `manage.py demo_configure
--sources-host <host>` configures an IKO for sources running on another host with
`sources_roots_at`. Each source listens on a fixed default port (`--<source>-port`, or
`IKO_DEMO_<SOURCE>_PORT`; 0 picks a free port), on 127.0.0.1 unless `IKO_DEMO_BIND_HOST` says
otherwise, and names itself in the URLs it hands out by `IKO_DEMO_PUBLIC_HOST` when that is set
(demo/servers/base.py). Every source requires the demo credentials of demo/config.py.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from demo import config
from demo.servers.bag import API_PATH as BAG_PATH
from demo.servers.brp import DEFAULT_PREFIX as BRP_PREFIX
from demo.servers.generic import PREFIX as GENERIC_PREFIX
from demo.servers.klantinteracties import CONTACTGEGEVENS_PREFIX, KLANTINTERACTIES_PREFIX
from demo.servers.objecten import API_PATH as OBJECTEN_PATH
from demo.servers.zaken import CATALOGI_PREFIX, ZAKEN_PREFIX
from demo.servers.zgw_dossiers import BESLUITEN_PREFIX, DOCUMENTEN_PREFIX
from demo.universe import COMPANY_OBJECTTYPE_URL_PATH, OBJECTTYPE_URL_PATH, VERGUNNING_OBJECTTYPE_URL_PATH

# (option name, environment name, default port, what it serves)
PORTS = [
    ("brp", "BRP", 5010, "BRP Personen"),
    ("kvk", "KVK", 5012, "KVK Handelsregister"),
    ("zaken", "ZAKEN", 5020, "Zaken + Catalogi + Documenten + Besluiten"),
    ("klantinteracties", "KLANTINTERACTIES", 5030, "Open Klant"),
    ("objecten", "OBJECTEN", 5040, "Objects API"),
    ("bag", "BAG", 5050, "BAG adressen"),
    ("generic", "GENERIC", 5090, "inkomensregister"),
]


def add_port_arguments(parser) -> None:
    """`--<source>-port` for each source, defaulting to `IKO_DEMO_<SOURCE>_PORT` or the fixed port."""
    for name, env, default, label in PORTS:
        parser.add_argument(
            f"--{name}-port", type=int, default=int(os.environ.get(f"IKO_DEMO_{env}_PORT", default)),
            help=f"port of the demo {label} source (default {default}, 0 = a free port)",
        )


class SourceStartError(Exception):
    """A source could not start; the message says which and what to do."""


def sources_start(running: ExitStack, ports: dict[str, int]) -> dict:
    """Start the seven sources with the demo credentials; `running` stops them again."""
    from demo.servers.bag import start_bag_server
    from demo.servers.brp import start_brp_server
    from demo.servers.generic import start_generic_server
    from demo.servers.klantinteracties import start_klantinteracties_server
    from demo.servers.kvk import start_kvk_server
    from demo.servers.objecten import start_objecten_server
    from demo.servers.zaken import start_zaken_server

    starters = {
        "brp": lambda p: start_brp_server(port=p),
        "kvk": lambda p: start_kvk_server(port=p, api_key=config.DEMO_KVK_API_KEY),
        "zaken": lambda p: start_zaken_server(
            port=p, client_id=config.DEMO_ZAKEN_CLIENT_ID, secret=config.DEMO_ZAKEN_SECRET
        ),
        "klantinteracties": lambda p: start_klantinteracties_server(port=p, token=config.DEMO_OPENKLANT_TOKEN),
        "objecten": lambda p: start_objecten_server(port=p, token=config.DEMO_OBJECTEN_TOKEN),
        "bag": lambda p: start_bag_server(port=p, api_key=config.DEMO_BAG_API_KEY),
        "generic": lambda p: start_generic_server(port=p),
    }
    servers = {}
    for name, start in starters.items():
        try:
            server = start(ports[name])
        except OSError as exc:
            raise SourceStartError(
                f"Cannot start the demo {name} source on port {ports[name]} ({exc.strerror}); "
                f"choose another with --{name}-port (0 = a free port)."
            ) from None
        except ValueError as exc:  # invalid IKO_DEMO_<NAME>_* fault settings
            raise SourceStartError(str(exc)) from None
        running.callback(server.stop)
        servers[name] = server
    return servers


def sources_roots(servers: dict) -> dict[str, str]:
    """`demo_configure`'s arguments for sources started by `sources_start`."""
    return {
        "brp_api_root": servers["brp"].api_root,
        "kvk_api_root": servers["kvk"].api_root,
        "zaken_api_root": servers["zaken"].zaken_api_root,
        "catalogi_api_root": servers["zaken"].catalogi_api_root,
        "documenten_api_root": servers["zaken"].documenten_api_root,
        "besluiten_api_root": servers["zaken"].besluiten_api_root,
        "klantinteracties_api_root": servers["klantinteracties"].api_root,
        "contactgegevens_api_root": servers["klantinteracties"].contactgegevens_api_root,
        "objecten_api_root": servers["objecten"].api_root,
        "objecttype_url": servers["objecten"].objecttype_url,
        "company_objecttype_url": servers["objecten"].company_objecttype_url,
        "vergunning_objecttype_url": servers["objecten"].vergunning_objecttype_url,
        "bag_api_root": servers["bag"].api_root,
        "inkomensregister_api_root": servers["generic"].api_root,
    }


def sources_roots_at(host: str, ports: dict[str, int]) -> dict[str, str]:
    """The same arguments for sources that `manage.py demo_sources` runs on another host (with
    `IKO_DEMO_PUBLIC_HOST` set to that host name, so the URLs they hand out match these)."""
    url = {name: f"http://{host}:{ports[name]}" for name, *_ in PORTS}
    return {
        "brp_api_root": f"{url['brp']}{BRP_PREFIX}/",
        "kvk_api_root": f"{url['kvk']}/api/",
        "zaken_api_root": f"{url['zaken']}{ZAKEN_PREFIX}/",
        "catalogi_api_root": f"{url['zaken']}{CATALOGI_PREFIX}/",
        "documenten_api_root": f"{url['zaken']}{DOCUMENTEN_PREFIX}/",
        "besluiten_api_root": f"{url['zaken']}{BESLUITEN_PREFIX}/",
        "klantinteracties_api_root": f"{url['klantinteracties']}{KLANTINTERACTIES_PREFIX}/",
        "contactgegevens_api_root": f"{url['klantinteracties']}{CONTACTGEGEVENS_PREFIX}/",
        "objecten_api_root": f"{url['objecten']}{OBJECTEN_PATH}",
        "objecttype_url": f"{url['objecten']}{OBJECTTYPE_URL_PATH}",
        "company_objecttype_url": f"{url['objecten']}{COMPANY_OBJECTTYPE_URL_PATH}",
        "vergunning_objecttype_url": f"{url['objecten']}{VERGUNNING_OBJECTTYPE_URL_PATH}",
        "bag_api_root": f"{url['bag']}{BAG_PATH}",
        "inkomensregister_api_root": f"{url['generic']}{GENERIC_PREFIX}/",
    }
