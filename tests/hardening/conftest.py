# Brokering's fixtures (a release, its capabilities, offerings with claims, needs) for
# the failure tests of scoring runs.
from tests.brokering.conftest import (  # noqa: F401
    capabilities,
    make_need,
    make_offering,
    release,
)
