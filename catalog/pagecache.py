"""What makes the catalog's cached visitor pages stale (``marketplace.pagecache``).

Offerings and their claims change through the catalog's services, which call
:func:`pages_stale` in the transaction that makes the change
(:func:`catalog.services.search.announce`); the admin does the same when it saves or
deletes a provider, a contract vehicle or an offering, which the pages show; a new
current standards release changes every offering page (a receiver of the standards
app's signal, connected in :meth:`catalog.apps.CatalogConfig.ready`).
"""

from marketplace import pagecache

SCOPE = "catalog"


def pages_stale() -> None:
    pagecache.bump(SCOPE)


def on_release_made_current(sender=None, **kwargs) -> None:
    pages_stale()
