from django.apps import AppConfig


class BrokeringConfig(AppConfig):
    name = "brokering"
