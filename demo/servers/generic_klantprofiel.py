"""The demo inkomensregister's client file (`GET /personen/{bsn}/klantprofiel`): what the
municipality's social domain records about a person beyond income and benefits.

Invented for the demo, for the demo cast of `demo.universe`: work history and education, the
re-integration trajectory, debts and assets, informal care and care needs, the allowances the
household receives, and the approximate location of the home address (a GeoJSON point, as a
municipal GIS gives it) for a map. It is what Valtimo's own demo screen shows (work, income,
household, allowances, a map) that no other demo register holds; the rest of that screen comes
from the BRP, Zaken, Open Klant and the income register (demo/valtimo.yaml).
"""

from __future__ import annotations

from typing import Any

from demo.universe import PERSONS_BY_BSN

KLANTPROFIELEN: dict[str, dict[str, Any]] = {
    "999993653": {
        "werk": {"arbeidsverleden": "12 jaar logistiek planner in de Rotterdamse haven",
                 "opleidingsniveau": "HBO logistiek", "reIntegratietraject": "Geen"},
        "financien": {"aanvullendeInkomsten": "Geen", "schulden": "Geen bekende schulden",
                      "vermogen": "Spaartegoed boven de vermogensgrens"},
        "zorg": {"mantelzorg": "Geen", "zorgbehoefte": "Geen"},
        "toeslagen": [{"type": "Zorgtoeslag"}],
        "woonlocatie": {"type": "Point", "coordinates": [4.4937, 51.9301]},
    },
    "999993847": {
        "werk": {"arbeidsverleden": "8 jaar onderwijsassistent, sinds 2023 zonder werk",
                 "opleidingsniveau": "MBO onderwijsassistent",
                 "reIntegratietraject": "Werkfit-traject bij het Werkplein, gestart in 2024"},
        "financien": {"aanvullendeInkomsten": "Geen", "schulden": "Betalingsregeling energieleverancier",
                      "vermogen": "Spaartegoed onder de vermogensgrens"},
        "zorg": {"mantelzorg": "Zorgt wekelijks voor haar moeder", "zorgbehoefte": "Huishoudelijke hulp (WMO)"},
        "toeslagen": [{"type": "Huurtoeslag"}, {"type": "Zorgtoeslag"}],
        "woonlocatie": {"type": "Point", "coordinates": [4.3007, 52.0705]},
    },
    "999990160": {
        "werk": {"arbeidsverleden": "25 jaar zelfstandig adviseur", "opleidingsniveau": "WO bedrijfskunde",
                 "reIntegratietraject": "Geen"},
        "financien": {"aanvullendeInkomsten": "Huurinkomsten", "schulden": "Onder bewindvoering",
                      "vermogen": "Eigen woning"},
        "zorg": {"mantelzorg": "Geen", "zorgbehoefte": "Geen"},
        "toeslagen": [],
        "woonlocatie": {"type": "Point", "coordinates": [5.1197, 52.0947]},
    },
    "999992570": {
        "werk": {"arbeidsverleden": "Bakker, sinds 1990 eigen bakkerij", "opleidingsniveau": "MBO bakker",
                 "reIntegratietraject": "Geen"},
        "financien": {"aanvullendeInkomsten": "Winst uit onderneming", "schulden": "Geen bekende schulden",
                      "vermogen": "Ondernemingsvermogen"},
        "zorg": {"mantelzorg": "Geen", "zorgbehoefte": "Scootmobiel (WMO)"},
        "toeslagen": [{"type": "Zorgtoeslag"}],
        "woonlocatie": {"type": "Point", "coordinates": [4.4951, 51.8946]},
    },
}
assert set(KLANTPROFIELEN) <= set(PERSONS_BY_BSN)


def klantprofiel_answer(bsn: str) -> dict[str, Any] | None:
    """The client file of a person, None when the register has none."""
    profiel = KLANTPROFIELEN.get(bsn)
    return None if profiel is None else {"burgerservicenummer": bsn, **profiel}
