"""The bundled demonstration release, so that a fresh clone works without ``../shared``.

Its IDs start with ``DEMO`` and its name says it is an illustration: none of its
invented statements can be taken for Treasury's text.
"""

from seeding.loader import path
from standards.importers import read_path
from standards.models import ReleaseStatus, StandardsRelease
from standards.selectors import current_release
from standards.services import release_import, release_make_current

DEMO_FILE = path("standards_release.json")
DEMO_RELEASE = "DEMO-ILLUSTRATION"


def seed() -> StandardsRelease:
    """Create the demo release (once) and make it current when none is.

    A release an operator has made current since (FY2025, say) stays current.
    """
    release, _ = release_import(name=DEMO_RELEASE, data=read_path(DEMO_FILE))
    if current_release() is None and release.status == ReleaseStatus.DRAFT:
        release = release_make_current(release=release)
    return release
