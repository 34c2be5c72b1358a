"""Catalogi reference data (zaaktypen, statustypen, besluittypen, informatieobjecttypen) for the ZGW
connectors: the per-process cache (`cache`) and the per-call lookups (`lookups`)."""

from .cache import ReferenceCache, reference_cache
from .lookups import CatalogiLookups

__all__ = ["CatalogiLookups", "ReferenceCache", "reference_cache"]
