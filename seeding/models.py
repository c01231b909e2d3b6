from django.db import models


class DemoData(models.Model):
    """Present (one row) when ``seed_demo`` has put demonstration data in this
    database: every page then shows the demonstration-data notice."""

    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "demonstration data marker"

    def __str__(self) -> str:
        return f"Demonstration data loaded {self.loaded_at:%Y-%m-%d %H:%M}"
