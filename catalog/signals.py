"""Signals the catalog sends so that brokering can react without catalog importing it.

``offerings_changed`` is sent by catalog services after they change offerings that
scoring depends on; receivers enqueue their work with ``transaction.on_commit``.

Arguments: ``offering_ids`` (list of primary keys) and ``reason``, one of
``"published"``, ``"claims"``, ``"attributes"``, ``"retired"``.
"""

from django.dispatch import Signal

offerings_changed = Signal()
