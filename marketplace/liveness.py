"""``/healthz/live``: the liveness probe.

``/healthz`` (readiness) asks the database and the broker, which is right before
sending traffic to a process but wrong for deciding whether to restart it: a database
outage would restart every web process at once. This probe touches nothing but the
process itself, so it answers as long as the process can serve requests. It is also
the floor of ``make bench``: the cheapest request that still runs the whole middleware
stack, against which the pages' throughput is measured.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from marketplace.roles import public


@public
@never_cache
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
