"""Receivers that start scoring when the catalog or the standards change.

Connected in :meth:`brokering.apps.BrokeringConfig.ready`; the senders do not import
brokering. Each receiver records scoring runs in the sender's transaction, and the runs
are sent to Celery after commit.
"""

from brokering import services


def on_offerings_changed(sender, offering_ids=(), reason="", **kwargs) -> None:
    services.scoring_runs_enqueue_for_offerings(
        offering_ids=offering_ids, reason=f"offerings {reason}".strip()
    )


def on_release_made_current(sender, release_id=None, **kwargs) -> None:
    services.scoring_runs_enqueue_for_active_needs(reason="release made current")
