"""Broker review in the admin: filters, decisions with a note, runs, rescoring."""

import pytest
from django.urls import reverse

from brokering import services
from brokering.models import Match, MatchStatus, NeedStatus, RunStatus, ScoringRun
from catalog.models import ClaimLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(agency, other_agency, make_need, make_offering, capabilities):
    make_offering([(c, ClaimLevel.MEETS) for c in capabilities], name="Full Ledger")
    make_offering([(capabilities[0], ClaimLevel.MEETS)], name="Thin Ledger")
    ours = make_need(agency, status=NeedStatus.ACTIVE, title="Our need")
    theirs = make_need(other_agency, status=NeedStatus.ACTIVE, title="Their need")
    for need in (ours, theirs):
        services.matches_refresh_for_need(need_id=need.pk)
    return ours, theirs


def changelist(client, query=""):
    return client.get(reverse("admin:brokering_match_changelist") + query)


def test_match_filters(client_for, broker, reviewed, agency):
    client = client_for(broker)
    assert changelist(client).context["cl"].result_count == 4
    assert changelist(client, "?gaps=yes").context["cl"].result_count == 2
    assert changelist(client, "?gaps=no").context["cl"].result_count == 2
    assert changelist(client, "?score=90-100").context["cl"].result_count == 2
    assert changelist(client, "?score=0-50").context["cl"].result_count == 2
    by_agency = changelist(client, f"?need__agency__id__exact={agency.pk}")
    assert by_agency.context["cl"].result_count == 2


def test_decisions_go_through_services_with_a_note(client_for, broker, reviewed):
    client = client_for(broker)
    thin = Match.objects.filter(offering__name="Thin Ledger")
    ids = [str(pk) for pk in thin.values_list("pk", flat=True)]
    confirm = client.post(
        reverse("admin:brokering_match_changelist"),
        {"action": "reject", "_selected_action": ids},
    )
    assert confirm.status_code == 200 and "add a note" in confirm.text
    done = client.post(
        reverse("admin:brokering_match_changelist"),
        {
            "action": "reject",
            "_selected_action": ids,
            "apply": "1",
            "note": "Misses two must-haves",
        },
    )
    assert done.status_code == 302
    for match in thin:
        assert match.status == MatchStatus.REJECTED
        assert "Misses two must-haves" in match.notes
        assert match.decided_by == broker
        assert match.history.first().history_user == broker


@pytest.mark.parametrize("extra_needs", [1, 10])
def test_match_changelist_runs_a_fixed_number_of_queries(
    client_for,
    broker,
    reviewed,
    agency,
    make_need,
    extra_needs,
    django_assert_num_queries,
):
    for n in range(extra_needs):
        need = make_need(agency, status=NeedStatus.ACTIVE, title=f"Extra {n}")
        services.matches_refresh_for_need(need_id=need.pk)
    client = client_for(broker)
    changelist(client)
    with django_assert_num_queries(8):
        changelist(client)


def test_runs_show_state_and_errors_and_can_be_rescored(
    client_for, broker, reviewed, django_capture_on_commit_callbacks
):
    ours, _ = reviewed
    run = services.scoring_run_enqueue(need_id=ours.pk, reason="test")
    services.scoring_run_start(run_id=run.pk)
    services.scoring_run_fail(run_id=run.pk, error="ValueError('bad vector')")
    client = client_for(broker)
    page = client.get(reverse("admin:brokering_scoringrun_changelist"))
    assert "bad vector" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:brokering_scoringrun_changelist"),
            {"action": "rescore", "_selected_action": [run.pk]},
        )
    assert ScoringRun.objects.filter(need=ours, status=RunStatus.DONE).count() == 1


def test_need_rescore_action(
    client_for, broker, reviewed, django_capture_on_commit_callbacks
):
    ours, theirs = reviewed
    client = client_for(broker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:brokering_need_changelist"),
            {"action": "rescore", "_selected_action": [ours.pk, theirs.pk]},
        )
    # The two needs' runs, done (the builder's offerings had their own runs done).
    assert set(
        ScoringRun.objects.filter(
            status=RunStatus.DONE, need__isnull=False
        ).values_list("need_id", flat=True)
    ) == {ours.pk, theirs.pk}
    assert ScoringRun.objects.filter(need__isnull=False).count() == 2
    assert (
        client.get(reverse("admin:brokering_need_change", args=[ours.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:brokering_need_changelist")).status_code == 200
