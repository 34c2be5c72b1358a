"""Demo identity broker for citizens on 127.0.0.1: the issuer of citizen tokens in the demo.

Stands in for a municipality's DigiD/eHerkenning broker: an OpenID Connect discovery document, a
JWKS (an RSA key made when the server starts, kept in memory only) and a token URL that signs an
access token for one of the demo's logins, without any password, as a portal would receive it
after a DigiD or eHerkenning login. Only the demo's cast can log in: the persons of
`demo/universe.py` (DigiD: claim `bsn`), the gezaghouder and her child, and the company (claim
`kvk`, eHerkenning). Anything else is a 404 problem.

    GET <issuer>/.well-known/openid-configuration
    GET <issuer>/jwks
    GET <issuer>/token?bsn=999993653            (DigiD Midden)
    GET <issuer>/token?bsn=999993653&loa=basis  (a weaker login, to see loa-too-low)
    GET <issuer>/token?kvk=90004760             (eHerkenning EH3)

The tokens carry `iss`, `aud` (`AUDIENCE`), `azp` (the portal, `PORTAL`), `sub` (an opaque id
per login), `acr` (the level of assurance as a SAML or eHerkenning URN), `iat`, `nbf` and `exp`
(15 minutes). Never use this outside the demo: anyone who can reach it gets a token.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from demo.universe import COMPANY, GEZAGHOUDER, MINOR_CHILD, PERSONS

from .base import DemoRequestHandler, DemoServer, ProblemError

DEFAULT_PORT = 5060
PATH = "/broker"
AUDIENCE = "iko-self-service"
PORTAL = "mijn-gemeente-portaal"
KID = "demo-citizen-issuer"
LIFETIME_SECONDS = 900
LEVELS = {
    "basis": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    "midden": "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    "substantieel": "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard",
    "hoog": "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
    "eh2": "urn:etoegang:core:assurance-class:loa2",
    "eh3": "urn:etoegang:core:assurance-class:loa3",
}
PERSON_BSNS = [p["bsn"] for p in PERSONS] + [GEZAGHOUDER["bsn"], MINOR_CHILD["bsn"]]
COMPANY_KVKS = [COMPANY["kvkNummer"]]
_NAMESPACE = uuid.UUID("6a0c2f4e-5d1b-4c8e-9a73-2b1f0e4d8c55")


class CitizenIssuerHandler(DemoRequestHandler):
    def handle_demo_request(self) -> None:
        server: CitizenIssuer = self.demo  # type: ignore[assignment]
        if self.command != "GET":
            raise ProblemError(405, "Method not allowed.", headers={"Allow": "GET"})
        path = self.request_path.rstrip("/")
        if path == f"{PATH}/.well-known/openid-configuration":
            return self.send_json(200, server.discovery())
        if path == f"{PATH}/jwks":
            return self.send_json(200, server.jwks())
        if path == f"{PATH}/token":
            query = {k: v[-1] for k, v in parse_qs(self.path.partition("?")[2]).items()}
            return self.send_json(200, server.token_response(query), headers={"Cache-Control": "no-store"})
        raise ProblemError(404, "Not found.")


class CitizenIssuer(DemoServer):
    def __init__(self, port: int = 0, **kwargs: Any) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        super().__init__(CitizenIssuerHandler, port, name="citizen-issuer", **kwargs)

    @property
    def issuer(self) -> str:
        return f"{self.base_url}{PATH}"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks_uri": f"{self.issuer}/jwks",
            "token_endpoint": f"{self.issuer}/token",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "acr_values_supported": list(LEVELS.values()),
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def token(self, *, bsn: str | None = None, kvk: str | None = None, loa: str | None = None) -> str:
        """A signed access token for one of the demo's logins (ValueError for anyone else)."""
        if bool(bsn) == bool(kvk):
            raise ValueError("Give a bsn (DigiD) or a kvk (eHerkenning), not both.")
        if bsn and bsn not in PERSON_BSNS:
            raise ValueError(f"Only the demo persons can log in: {', '.join(PERSON_BSNS)}.")
        if kvk and kvk not in COMPANY_KVKS:
            raise ValueError(f"Only the demo company can log in: {', '.join(COMPANY_KVKS)}.")
        level = loa or ("midden" if bsn else "eh3")
        if level not in LEVELS:
            raise ValueError(f"loa is one of {', '.join(LEVELS)}.")
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": AUDIENCE, "azp": PORTAL,
            "sub": str(uuid.uuid5(_NAMESPACE, f"{'bsn' if bsn else 'kvk'}:{bsn or kvk}")),
            "acr": LEVELS[level], "iat": now, "nbf": now, "exp": now + LIFETIME_SECONDS,
            **({"bsn": bsn} if bsn else {"kvk": kvk}),
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})

    def token_response(self, query: dict[str, str]) -> dict[str, Any]:
        try:
            token = self.token(bsn=query.get("bsn"), kvk=query.get("kvk"), loa=query.get("loa"))
        except ValueError as exc:
            raise ProblemError(404, "No such demo login.", detail=str(exc)) from None
        return {"access_token": token, "token_type": "Bearer", "expires_in": LIFETIME_SECONDS}


def start_citizen_issuer(port: int = 0) -> CitizenIssuer:
    return CitizenIssuer(port).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Demo citizen identity broker on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}, 0 = free port)")
    args = parser.parse_args(argv)
    server = CitizenIssuer(args.port)
    print(f"Demo citizen issuer: {server.issuer} (GET {server.issuer}/token?bsn=999993653)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
