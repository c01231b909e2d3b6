"""Signals the standards app sends; nothing in standards imports catalog or brokering.

``release_made_current`` is sent by ``standards.services.release_make_current`` with
``release_id`` (the new current release) and ``previous_id`` (the retired one, or
``None``); brokering rescores every active need when it arrives.
"""

from django.dispatch import Signal

release_made_current = Signal()
