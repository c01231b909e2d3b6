"""Who may do what in the back office (the Django admin): the one home of its rules.

Brokers are staff users without per-model permissions: each admin page says what a
broker may do there by inheriting one of these, and nothing else decides it.

* :class:`BrokerReadOnly`: brokers (and operators) read; nobody adds, changes or
  deletes through the form. Changes happen through actions that call services.
* :class:`BrokerEditor`: brokers (and operators) read and write. A page narrows it
  with ``broker_may_add`` / ``broker_may_delete`` (a review queue changes rows
  through its own form but never adds or deletes them).
* :class:`OperatorOnly`: users, roles and settings; operators (superusers) only.

``tests/marketplace/test_admin_access.py`` checks that every registered admin uses
exactly one of them.
"""

from marketplace.roles import Role, is_broker, role_of


class BrokerReadOnly:
    """Brokers read; the form writes nothing (actions call services)."""

    broker_may_change = False
    broker_may_add = False
    broker_may_delete = False

    def has_module_permission(self, request) -> bool:
        return is_broker(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_broker(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.broker_may_change and is_broker(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.broker_may_add and is_broker(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.broker_may_delete and is_broker(request.user)


class BrokerEditor(BrokerReadOnly):
    """Brokers read and write (each page's saves go through its services)."""

    broker_may_change = True
    broker_may_add = True
    broker_may_delete = True


class OperatorOnly:
    """Operators (superusers) only: users, roles and settings are their business."""

    def _operator(self, request) -> bool:
        return role_of(request.user) == Role.ADMIN

    def has_module_permission(self, request) -> bool:
        return self._operator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._operator(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._operator(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._operator(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._operator(request)


ACCESS_CLASSES = (BrokerReadOnly, BrokerEditor, OperatorOnly)
