from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Users and roles"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from marketplace.tokens import revoke_on_password_or_deactivation

        pre_save.connect(
            revoke_on_password_or_deactivation,
            sender=get_user_model(),
            dispatch_uid="marketplace.tokens.revoke",
        )
