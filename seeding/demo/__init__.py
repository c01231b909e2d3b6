"""``seed_demo``'s steps, in order. Each is idempotent and may rely on the ones before
it: the standards release, the catalog, the agencies and users, the review workflow,
the needs with their matches, a market research round. :func:`run` records that the
database holds demo data, which every page then says (:mod:`seeding.notice`)."""

from collections.abc import Callable

from seeding import notice
from seeding.demo import catalog, needs, rounds, standards, users, workflow
from seeding.demo.users import DEMO_PASSWORD, DemoUser, demo_users

STEPS: list[tuple[str, Callable]] = [
    ("standards release", standards.seed),
    ("catalog", catalog.seed),
    ("agencies and users", users.seed_users),
    ("review workflow", workflow.seed),
    ("needs and matches", needs.seed_needs),
    ("market research round", rounds.seed_rounds),
]

__all__ = ["DEMO_PASSWORD", "STEPS", "DemoUser", "demo_users", "run"]


def run(log: Callable[[str], None] = lambda line: None) -> None:
    notice.record()
    for label, step in STEPS:
        log(label)
        step()
