"""What makes the catalog's cached pages stale (``marketplace.pagecache``).

``SCOPE``, the published catalog: offerings and their claims change through the
catalog's services, which call :func:`pages_stale` in the transaction that makes the
change (:func:`catalog.services.search.announce`); the admin does the same when it
saves or deletes a provider, a contract vehicle, an offering or an evidence document
(its expiry makes claims expired), which the pages show; a new current standards
release changes every offering page (a receiver of the standards app's signal,
connected in :meth:`catalog.apps.CatalogConfig.ready`).

``REVIEW_SCOPE``, the review queue (the submissions the brokers' dashboard counts):
every transition of the listing workflow calls :func:`review_stale`
(:mod:`catalog.workflow`). Visitors' pages do not show it, so a submission leaves
them, the facet index and the scoring shelf alone.
"""

from marketplace import pagecache

SCOPE = "catalog"
REVIEW_SCOPE = "review"


def pages_stale() -> None:
    pagecache.bump(SCOPE)


def review_stale() -> None:
    pagecache.bump(REVIEW_SCOPE)


def on_release_made_current(sender=None, **kwargs) -> None:
    pages_stale()


class ShownOnCatalogPages(pagecache.StaleOnAdminSave):
    """An admin of rows the catalog's pages show."""

    page_scopes = (SCOPE,)
