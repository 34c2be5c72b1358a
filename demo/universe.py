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

# A parent and her minor child from the official BRP test set, for the self-service demo of acting
# for a child (machtigen): the child's BRP `gezag` (EenhoofdigOuderlijkGezag) names the parent.
GEZAGHOUDER = {"bsn": "999999126", "voornamen": "Manon", "geslachtsnaam": "Maasland"}
MINOR_CHILD = {"bsn": "999970021", "voornamen": "Maya", "geslachtsnaam": "Maasland", "geboortedatum": "2015-02-01"}

# Every nummeraanduiding the BAG demo must resolve: the persons' and the vestigingen's.
ADDRESSES = [p["adres"] for p in PERSONS] + [v["adres"] for v in COMPANY["vestigingen"]]

# The objecttype whose objects the Objecten demo holds, and the data attribute holding the BSN.
OBJECTTYPE_URL_PATH = "/objecttypes/api/v2/objecttypes/a0b7d1e2-3c4f-4a5b-8c6d-7e8f9a0b1c2d"
OBJECT_BSN_ATTRIBUTE = "bsn"
# The objecttype of the company's registrations in the Objecten demo, and its KVK attribute.
COMPANY_OBJECTTYPE_URL_PATH = "/objecttypes/api/v2/objecttypes/c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"
OBJECT_KVK_ATTRIBUTE = "kvkNummer"

# --- the objects behind the addresses (the object views: adresbeeld, zaakbeeld) ------------------
# The BAG objects are invented: every address has one verblijfsobject in one pand (BAG ids derived
# from the adresseerbaar object id, see demo/servers/bag_objecten.py). What sets some of them
# apart: use, size and the year the pand was built; the rest are dwellings.
BAG_OBJECTS = {
    # Boterdiep 31, Suzanne Moulin's home: a dakkapel permit, an enforcement case and an objection.
    "0599010000208579": {"gebruiksdoelen": ["woonfunctie"], "oppervlakte": 112, "bouwjaar": "1932"},
    # Boterdiep 33, the bakery next door (the company's hoofdvestiging).
    "0599010000208580": {"gebruiksdoelen": ["winkelfunctie"], "oppervlakte": 146, "bouwjaar": "1932"},
    # Turfmarkt 77, the company's nevenvestiging.
    "0518010000583569": {"gebruiksdoelen": ["winkelfunctie"], "oppervlakte": 64, "bouwjaar": "1995"},
}
BAG_BOUWJAAR_BY_WOONPLAATS = {"Rotterdam": "1926", "'s-Gravenhage": "1978", "Utrecht": "1890"}
# The address the object story is about, and how the Zaken API names BAG objects: by the URL of the
# object at Kadaster's BAG API (a zaakobject's `object`), the same whichever BAG server IKO asks.
OBJECT_STORY_ADDRESS = PERSONS[0]["adres"]
KADASTER_BAG_ROOT = "https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2/"

# The objecttype of the permits registered in the Objecten demo, and the data attribute holding
# the BAG nummeraanduiding id of the address a permit is for.
VERGUNNING_OBJECTTYPE_URL_PATH = "/objecttypes/api/v2/objecttypes/e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b"
OBJECT_ADRES_ATTRIBUTE = "adres.nummeraanduidingIdentificatie"


def pand_identificatie(adresseerbaar_object: str) -> str:
    """The demo's pand id of an adresseerbaar object: same gemeentecode and number, code 10."""
    return f"{adresseerbaar_object[:4]}10{adresseerbaar_object[-10:]}"
