from django.apps import AppConfig, apps


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from portal.notifications.kinds import register_declared_kinds

        # Every app's configuration exists before the first ``ready`` runs.
        register_declared_kinds(apps.get_app_configs())
