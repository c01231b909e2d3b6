"""What makes the brokers' dashboard's cached pages stale on brokering's side
(``marketplace.pagecache``): needs and market research rounds change through their
services, which call :func:`pages_stale` in the transaction that makes a change the
dashboard counts (a need created, cloned, activated or archived:
:mod:`brokering.services.needs`; a round opened, extended, cancelled, closed or
decided, a response started or submitted: :mod:`brokering.rounds`); the admin does
the same when an operator saves or deletes an agency, whose name the dashboard shows.
"""

from marketplace import pagecache

SCOPE = "brokering"


def pages_stale() -> None:
    pagecache.bump(SCOPE)
