"""What makes the catalog's cached visitor pages stale (``marketplace.pagecache``).

Offerings and their claims announce every change with ``offerings_changed``; a new
current standards release changes every offering page; provider and contract-vehicle
records are shown on the pages and are edited in the admin. Each bumps the catalog's
page version in the transaction that makes the change.
"""

from django.db.models.signals import post_delete, post_save

from marketplace import pagecache

SCOPE = "catalog"


def _stale(sender=None, **kwargs) -> None:
    pagecache.bump(SCOPE)


def connect() -> None:
    from catalog.models import ContractVehicle, Offering, Provider
    from catalog.signals import offerings_changed
    from standards.signals import release_made_current

    offerings_changed.connect(_stale, dispatch_uid="catalog-pages-offerings")
    release_made_current.connect(_stale, dispatch_uid="catalog-pages-release")
    for model in (Offering, Provider, ContractVehicle):
        post_save.connect(_stale, sender=model, dispatch_uid=f"catalog-pages-{model}")
        post_delete.connect(
            _stale, sender=model, dispatch_uid=f"catalog-pages-del-{model}"
        )
