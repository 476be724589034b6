from django.apps import AppConfig


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Series and entries"

    def ready(self):
        from entries import demo
        from portal.core.demo import register_demo_step

        register_demo_step(demo.seed_entries)
