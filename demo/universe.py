"""The demo's shared cast: which test persons, addresses and company every demo source knows.

All demo sources build their data from these constants, so the registers agree with each other:
a person's BRP address resolves in the BAG demo, their zaken and klantcontacten carry the same
BSN, and the company's eigenaar is one of the test persons. Persons and addresses are taken from
the official BRP test set (fictitious people); the company and everything else is invented.
"""

from __future__ import annotations

# Official BRP test persons (demo/data/brp-personen-mock-test-data.json.gz), with their BRP address.
PERSONS = [
    {
        "bsn": "999993653",
        "voornamen": "Suzanne",
        "geslachtsnaam": "Moulin",
        "geboortedatum": "1985-12-01",
        "adres": {
            "straat": "Boterdiep", "huisnummer": 31, "huisletter": None, "huisnummertoevoeging": None,
            "postcode": "3077AW", "woonplaats": "Rotterdam", "gemeentecode": "0599",
            "nummeraanduidingIdentificatie": "0599200000219678",
            "adresseerbaarObjectIdentificatie": "0599010000208579",
        },
    },
    {
        "bsn": "999993847",
        "voornamen": "Merel",
        "geslachtsnaam": "Kooyman",
        "geboortedatum": "1982-04-10",
        "adres": {
            "straat": "King Olivereiland", "huisnummer": 64, "huisletter": None, "huisnummertoevoeging": None,
            "postcode": "2551JV", "woonplaats": "'s-Gravenhage", "gemeentecode": "0518",
            "nummeraanduidingIdentificatie": "0518200000631273",
            "adresseerbaarObjectIdentificatie": "0518010000631274",
        },
    },
    {
        "bsn": "999990160",
        "voornamen": "Hendrik Jan Coenraad Maurits",
        "voorvoegsel": "den",
        "geslachtsnaam": "Brinck",
        "geboortedatum": "1971-12-13",
        "adres": {
            "straat": "St.-Jacobsstraat", "huisnummer": 1, "huisletter": "A", "huisnummertoevoeging": None,
            "postcode": "3511BR", "woonplaats": "Utrecht", "gemeentecode": "0344",
            "nummeraanduidingIdentificatie": "0344200000161083",
            "adresseerbaarObjectIdentificatie": "0344010000126651",
        },
    },
    {
        "bsn": "999992570",
        "voornamen": "Albert",
        "geslachtsnaam": "Vogel",
        "geboortedatum": "1958-07-19",
        "adres": {
            "straat": "Poolsestraat", "huisnummer": 36, "huisletter": None, "huisnummertoevoeging": None,
            "postcode": "3028EN", "woonplaats": "Rotterdam", "gemeentecode": "0599",
            "nummeraanduidingIdentificatie": "0599200000412785",
            "adresseerbaarObjectIdentificatie": "0599010000254945",
        },
    },
]
PERSONS_BY_BSN = {p["bsn"]: p for p in PERSONS}

# Official BRP test persons that only the demo inkomensregister knows besides the cast: Govert
# Geus has three children under 18, so the regelingen demo has a low-income household with
# children (a stadspas). The other demo sources know nothing about them.
INKOMENSREGISTER_ONLY_PERSONS = [
    {"bsn": "999970008", "voornamen": "Govert", "geslachtsnaam": "Geus", "geboortedatum": "1984-10-02"},
]

# An invented company: an eenmanszaak of Albert Vogel with two vestigingen.
COMPANY = {
    "kvkNummer": "90004760",
    "rsin": "860014204",
    "naam": "Bakkerij Vogel",
    "rechtsvorm": "Eenmanszaak",
    "eigenaar_bsn": "999992570",
    "vestigingen": [
        {
            "vestigingsnummer": "000059218547",
            "type": "hoofdvestiging",
            "eersteHandelsnaam": "Bakkerij Vogel",
            "adres": {
                "straat": "Boterdiep", "huisnummer": 33, "postcode": "3077AW", "plaats": "Rotterdam",
                "nummeraanduidingIdentificatie": "0599200000219679",
                "adresseerbaarObjectIdentificatie": "0599010000208580",
            },
        },
        {
            "vestigingsnummer": "000059218555",
            "type": "nevenvestiging",
            "eersteHandelsnaam": "Vogel Broodjes",
            "adres": {
                "straat": "Turfmarkt", "huisnummer": 77, "postcode": "2511CA", "plaats": "'s-Gravenhage",
                "nummeraanduidingIdentificatie": "0518200000583569",
                "adresseerbaarObjectIdentificatie": "0518010000583569",
            },
        },
    ],
}

# Every nummeraanduiding the BAG demo must resolve: the persons' and the vestigingen's.
ADDRESSES = [p["adres"] for p in PERSONS] + [v["adres"] for v in COMPANY["vestigingen"]]

# The objecttype whose objects the Objecten demo holds, and the data attribute holding the BSN.
OBJECTTYPE_URL_PATH = "/objecttypes/api/v2/objecttypes/a0b7d1e2-3c4f-4a5b-8c6d-7e8f9a0b1c2d"
OBJECT_BSN_ATTRIBUTE = "bsn"
# The objecttype of the company's registrations in the Objecten demo, and its KVK attribute.
COMPANY_OBJECTTYPE_URL_PATH = "/objecttypes/api/v2/objecttypes/c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"
OBJECT_KVK_ATTRIBUTE = "kvkNummer"
