from django.apps import AppConfig


class BrokeringConfig(AppConfig):
    name = "brokering"

    def ready(self) -> None:
        from brokering import receivers
        from catalog.signals import offerings_changed
        from standards.signals import release_made_current

        offerings_changed.connect(
            receivers.on_offerings_changed, dispatch_uid="brokering-offerings-changed"
        )
        release_made_current.connect(
            receivers.on_release_made_current,
            dispatch_uid="brokering-release-made-current",
        )
