from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self) -> None:
        from catalog.pagecache import on_release_made_current
        from standards.signals import release_made_current

        release_made_current.connect(
            on_release_made_current, dispatch_uid="catalog-pages-release"
        )
