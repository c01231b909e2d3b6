from django.apps import AppConfig


class BrokeringConfig(AppConfig):
    name = "brokering"

    def ready(self) -> None:
        # The tasks register under the names the services send them by.
        from brokering import receivers, tasks  # noqa: F401
        from catalog.signals import offerings_changed
        from standards.signals import release_made_current

        offerings_changed.connect(
            receivers.on_offerings_changed, dispatch_uid="brokering-offerings-changed"
        )
        release_made_current.connect(
            receivers.on_release_made_current,
            dispatch_uid="brokering-release-made-current",
        )
