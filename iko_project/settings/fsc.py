"""Settings of FSC, Federatieve Service Connectiviteit (docs/operator/fsc.md), read by `base.py`.

Outways are set per server (connectors/fsc.py); what is set here is the inway side: from which
addresses IKO takes a request as one that came through the organisation's FSC inway, whose
headers (`Fsc-Authorization`, `Fsc-Transaction-Id`) then say which organisation calls and which
transaction it is (api/fsc.py). Deny by default: without addresses, those headers are ignored.
"""

import ipaddress as _ipaddress

from django.core.exceptions import ImproperlyConfigured

from iko_project.settings.envvars import DeclaredEnv

env = DeclaredEnv(__name__)

__all__ = ["IKO_FSC_INWAY_ADDRESSES", "IKO_FSC_GROUP_ID"]

IKO_FSC_INWAY_ADDRESSES = env.list(
    "IKO_FSC_INWAY_ADDRESSES", default=[], group="fsc",
    help_text="Addresses or networks (CIDR) of your FSC inway as IKO sees them (the connection's own address, "
    "not a forwarded one). Only requests from these addresses may act as an API client by their `Fsc-Authorization` "
    "peer and carry an `Fsc-Transaction-Id`; empty: those headers are ignored.")
IKO_FSC_GROUP_ID = env.str(
    "IKO_FSC_GROUP_ID", default="", group="fsc",
    help_text="The FSC Group (e.g. `fsc-default`) of your inway; when set, an access token of another group "
    "(its `gid` claim) is refused.")

IKO_FSC_INWAY_NETWORKS = []
for _address in IKO_FSC_INWAY_ADDRESSES:
    try:
        _network = _ipaddress.ip_network(_address.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"IKO_FSC_INWAY_ADDRESSES: {_address!r} is not an address or network (write e.g. 10.1.2.3 or 10.1.2.0/28)."
        ) from None
    if _network.prefixlen == 0:
        raise ImproperlyConfigured(
            f"IKO_FSC_INWAY_ADDRESSES: {_address} is every address; name your inway's own address or network."
        )
    IKO_FSC_INWAY_NETWORKS.append(_network)
__all__.append("IKO_FSC_INWAY_NETWORKS")
