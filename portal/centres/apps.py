from django.apps import AppConfig


class CentresConfig(AppConfig):
    # Who belongs where is shared machinery: the kit answers "which centres may this user see"
    # and "who are this centre's officers" from these models, so they live in the shared layer.
    # The centre's own pages (details, colleagues, invitations) are the top-level `centres` app.
    # The label stays "centres": tables, migrations and "centres.Centre" references unchanged.
    name = "portal.centres"
    label = "centres"
    verbose_name = "Centres"
