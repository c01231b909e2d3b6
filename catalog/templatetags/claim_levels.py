"""How claim levels look: the bar colour of each level (USWDS palette), read by
the charts and the offering page's coverage rows (``catalog/_coverage_rows.html``)."""

from catalog.models import ClaimLevel
from catalog.selectors.common import LEVEL_ORDER

# Bar colours per level, best first; "no claim" is the grey track.
LEVEL_COLOURS: dict[str, str] = {
    ClaimLevel.MEETS: "#00a91c",
    ClaimLevel.CONFIGURABLE: "#005ea2",
    ClaimLevel.EXTENSION: "#e5a000",
    ClaimLevel.ROADMAP: "#8168b3",
    ClaimLevel.DOES_NOT_MEET: "#d83933",
}
LEVEL_LEGEND = [(level, level.label, LEVEL_COLOURS[level]) for level in LEVEL_ORDER]
