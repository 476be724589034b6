from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from django.apps import apps

        from portal.accounts.roles import collect, sync_roles_after_migrate

        # Who may do what: every app's roles.py, gathered in one table (manage.py roles).
        collect(apps.get_app_configs())

        # Every app's permissions exist only after its own migrations, so the staff roles
        # are brought up to date after each migrate rather than in one data migration.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")

        from portal.accounts import kept_permissions
        from portal.api import remembered

        # A person's permissions are kept between requests until any of them changes.
        kept_permissions.connect()

        # Officers' tokens remembered for the results read are forgotten when they change.
        remembered.connect()
