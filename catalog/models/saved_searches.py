"""Catalog searches a signed-in user saved, to be told of new offerings matching them
(``catalog.saved_searches``)."""

from django.conf import settings
from django.db import models


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="searches"
    )
    name = models.CharField(max_length=120)
    query = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The catalog page's query string, checked by the catalog's search "
        "form when it is saved and when it is run.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(
        help_text="Offerings published after this moment are new to the search."
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "saved searches"
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="save_a_search_once")
        ]

    def __str__(self) -> str:
        return self.name
