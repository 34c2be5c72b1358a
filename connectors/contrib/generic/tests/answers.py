"""Answers of the demo inkomensregister used by the unit tests, as its OpenAPI document
(demo/servers/generic_openapi.yaml) describes them; test_contract.py validates each of them."""

from __future__ import annotations

from responses import matchers

ROOT = "https://register.example.org/inkomensregister/api/v1/"


def exactly(url: str) -> dict:
    """`responses` arguments that match this URL with exactly this query string."""
    base, _, query = url.partition("?")
    return {"url": base, "match": [matchers.query_string_matcher(query)]}


SUZANNE = "999993653"
MEREL = "999993847"


def inkomen(bsn=SUZANNE, jaar=2025, bedrag=43100.0, bron="polisadministratie", soort="loon"):
    return {"bsn": bsn, "jaar": jaar, "bedrag": bedrag, "bron": bron, "soort": soort}


def page(results, next_url=None, previous=None, count=None):
    return {
        "count": len(results) if count is None else count,
        "next": next_url,
        "previous": previous,
        "results": results,
    }


INKOMENS_SUZANNE = page([inkomen(jaar=2024, bedrag=41250.0), inkomen()])
# What a register answers to a filter it does not know: everyone.
INKOMENS_EVERYONE = page([inkomen(), inkomen(bsn=MEREL, bron="gemeente", soort="uitkering"), inkomen(bsn="999990160")])
INKOMENS_PAGE_1 = page([inkomen(jaar=2023)], next_url=ROOT + "inkomens?bsn=999993653&page=2", count=3)
INKOMENS_PAGE_2 = page(
    [inkomen(jaar=2024)],
    next_url=ROOT + "inkomens?bsn=999993653&page=3",
    previous=ROOT + "inkomens?bsn=999993653",
    count=3,
)
INKOMENS_PAGE_3 = page([inkomen(jaar=2025)], previous=ROOT + "inkomens?bsn=999993653&page=2", count=3)
INKOMENS_NONE = page([])

UITKERINGEN_MEREL = {
    "burgerservicenummer": MEREL,
    "_embedded": {
        "uitkeringen": [
            {"burgerservicenummer": MEREL, "regeling": "Participatiewet", "ingangsdatum": "2023-03-01",
             "einddatum": None, "bedragPerMaand": 1501.0, "status": "lopend"},
        ]
    },
}

PROBLEM_400 = {
    "type": "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
    "title": "Een of meerdere parameters zijn niet correct.",
    "status": 400,
    "code": "paramsValidation",
    "invalidParams": [{"name": "bsn", "code": "invalid", "reason": "Waarde is geen burgerservicenummer van 9 cijfers."}],
}
PROBLEM_404 = {
    "type": "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
    "title": "Persoon is niet bekend in het inkomensregister.",
    "status": 404,
    "code": "notFound",
}
