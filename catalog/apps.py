from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self):
        # Connects the receiver that keeps offerings' search documents current
        # whenever any service announces ``offerings_changed``.
        from catalog import services  # noqa: F401
        from catalog.pagecache import connect

        connect()
