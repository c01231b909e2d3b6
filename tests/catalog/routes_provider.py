"""Route table of the provider portal (``provider:`` namespace).

Portal pages are for provider users only; brokers work in the admin. The objects
belong to the provider persona's provider. A document of a published offering is
downloadable by its provider, brokers and agency users. Each POST route gets its own
offering so that one role's request does not change what the next role sees.
"""

from catalog.models import OfferingStatus
from marketplace.roles import Role
from tests.access import LOGIN, OK, REDIRECT, Route, everyone, only
from tests.catalog.workflow_helpers import attach_pdf, offering_in, standards_tree


def build_world(world):
    provider = world.users[Role.PROVIDER].provider
    release, capabilities = standards_tree(functions=1, per_activity=2)
    world.provider_draft = offering_in(OfferingStatus.DRAFT, provider, release)
    world.provider_published = offering_in(
        OfferingStatus.PUBLISHED, provider, release, capabilities
    )
    world.provider_post_targets = {
        name: offering_in(status, provider, release, capabilities)
        for name, status in (
            ("submit", OfferingStatus.DRAFT),
            ("withdraw", OfferingStatus.SUBMITTED),
            ("revise", OfferingStatus.PUBLISHED),
            ("retire", OfferingStatus.PUBLISHED),
            ("discard", OfferingStatus.DRAFT),
        )
    }
    world.provider_document = attach_pdf(
        world.provider_published, "Evidence", "evidence.pdf"
    )
    world.provider_removable_document = attach_pdf(
        world.provider_draft, "Draft evidence", "draft.pdf"
    )


def _draft(world):
    return {"pk": world.provider_draft.pk}


def _target(name):
    return lambda world: {"pk": world.provider_post_targets[name].pk}


PROVIDER_PAGE = only(Role.PROVIDER)
PROVIDER_POST = only(Role.PROVIDER, outcome=REDIRECT)

ROUTES = [
    Route("provider:home", PROVIDER_PAGE),
    Route("provider:offering-create", PROVIDER_PAGE),
    Route("provider:offering-detail", PROVIDER_PAGE, _draft),
    Route("provider:offering-details", PROVIDER_PAGE, _draft),
    Route("provider:offering-claims", PROVIDER_PAGE, _draft),
    Route("provider:claims-import", PROVIDER_PAGE, _draft),
    # The world's release has no service measures: the page sends the provider
    # back to the capabilities (its pages are tested in test_provider_kind_claims).
    Route(
        "provider:offering-kind-claims",
        PROVIDER_POST,
        lambda world: {"pk": world.provider_draft.pk, "kind": "measures"},
    ),
    Route("provider:claims-export", PROVIDER_PAGE, _draft, query="format=xlsx"),
    Route("provider:claims-template", PROVIDER_PAGE, query="format=csv"),
    Route("provider:offering-documents", PROVIDER_PAGE, _draft),
    Route("provider:offering-review", PROVIDER_PAGE, _draft),
    Route("provider:offering-history", PROVIDER_PAGE, _draft),
    Route("provider:offering-submit", PROVIDER_POST, _target("submit"), method="post"),
    Route(
        "provider:offering-withdraw",
        PROVIDER_POST,
        _target("withdraw"),
        method="post",
    ),
    Route("provider:offering-revise", PROVIDER_POST, _target("revise"), method="post"),
    Route("provider:offering-retire", PROVIDER_POST, _target("retire"), method="post"),
    Route(
        "provider:offering-discard",
        PROVIDER_POST,
        _target("discard"),
        method="post",
    ),
    Route(
        "provider:document-delete",
        PROVIDER_POST,
        lambda world: {"pk": world.provider_removable_document.pk},
        method="post",
    ),
    Route(
        "provider:document-download",
        {**everyone(OK), Role.VISITOR: LOGIN},
        lambda world: {"pk": world.provider_document.pk},
    ),
    Route("provider:account-request", everyone(OK)),
    Route(
        "provider:set-password",
        everyone(400),
        lambda world: {"uidb64": "MA", "token": "not-a-token"},
    ),
]
