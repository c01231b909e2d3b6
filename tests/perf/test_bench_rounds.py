"""The round and alert benchmarks (bench/rounds.py, bench/alerts.py) run end to end
at a tiny scale and check what they measure: every answer saved and every response
scored, exactly the expected alerts (PostgreSQL only: seed_scale uses COPY). No
timing is asserted here; the figures are the bench's."""

import pytest
from django.core.management import call_command

from tests.conftest import uses_services

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def seeded(settings):
    if not uses_services():
        pytest.skip("needs PostgreSQL (CI's services pass): seed_scale uses COPY")
    settings.BROKERING_MATCHES_KEPT = 10  # some offerings stand in no need's matches
    call_command("seed_scale", offerings=60, needs=8, items=150, verbosity=0)


def test_the_round_benchmark_saves_and_scores_every_response(seeded):
    from bench import rounds

    figures = rounds.round_benchmarks(repeat=1, providers=3, items=120)
    assert (figures.invited, figures.items) == (3, 120)
    assert figures.answers_saved == 360 and figures.submitted == figures.scored == 3
    assert all(len(times) == 3 for times in figures.saves.values())
    lines = rounds.round_lines(figures)
    assert [line.number for line in lines] == ["11a", "11b"]
    assert "INCOMPLETE" not in lines[0].figures


def test_the_alert_benchmark_counts_exactly_the_expected_alerts(seeded):
    from bench import alerts

    figures = alerts.alert_benchmarks(repeat=1, followed_needs=8)
    assert figures.exact and figures.expected > 0
    assert figures.created == [figures.expected]
    assert figures.created_without_followers == [0]
    (line,) = alerts.alert_lines(figures)
    assert "exact" in line.figures and "NOT EXACT" not in line.figures
