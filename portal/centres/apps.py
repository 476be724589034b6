from django.apps import AppConfig


class CentresConfig(AppConfig):
    # Who belongs where is shared machinery: the permissions module answers "which centres
    # may this user see" from these models, so they live in the shared layer. The label
    # stays "centres" (tables, migrations and "centres.Centre" references are unchanged).
    name = "portal.centres"
    label = "centres"
    verbose_name = "Centres"
