"""Levels of assurance (betrouwbaarheidsniveaus) of citizen logins, and their order.

A broker (DigiD, eHerkenning, eIDAS through the municipality's identity broker) names the level at
which the citizen logged in, as a SAML authentication context class or an eHerkenning assurance
class, or by its plain name. The levels of the three schemes line up as the Dutch government's
"Forum Standaardisatie" table puts them side by side: DigiD Basis with eHerkenning EH2 and eIDAS
low, DigiD Midden with EH2+, DigiD Substantieel with EH3 and eIDAS substantial, DigiD Hoog with EH4
and eIDAS high. This module is plain Python: the settings import it to check the configured minimum.
"""

from __future__ import annotations

# name or URN -> rank; a higher rank is a stronger login.
RANKS: dict[str, int] = {
    # DigiD (SAML authentication context classes, as Logius publishes them)
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport": 20,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract": 25,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard": 30,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI": 40,
    "basis": 20,
    "midden": 25,
    "substantieel": 30,
    "hoog": 40,
    # eHerkenning assurance classes
    "urn:etoegang:core:assurance-class:loa1": 10,
    "urn:etoegang:core:assurance-class:loa2": 20,
    "urn:etoegang:core:assurance-class:loa2plus": 25,
    "urn:etoegang:core:assurance-class:loa3": 30,
    "urn:etoegang:core:assurance-class:loa4": 40,
    "loa1": 10,
    "loa2": 20,
    "loa2plus": 25,
    "loa3": 30,
    "loa4": 40,
    # eIDAS
    "http://eidas.europa.eu/LoA/low": 20,
    "http://eidas.europa.eu/LoA/substantial": 30,
    "http://eidas.europa.eu/LoA/high": 40,
    "low": 20,
    "substantial": 30,
    "high": 40,
}


def loa_rank(value: str) -> int | None:
    """The rank of a level, or None for a value that is not a known level."""
    if not isinstance(value, str):
        return None
    return RANKS.get(value.strip()) or RANKS.get(value.strip().lower())


def loa_sufficient(value: str, minimum: str) -> bool:
    """Whether a login at level `value` is at least `minimum`; an unknown level never is."""
    rank, needed = loa_rank(value), loa_rank(minimum)
    return rank is not None and needed is not None and rank >= needed
