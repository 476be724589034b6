from django.apps import AppConfig


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Series and entries"

    def ready(self):
        from entries import demo, queries
        from portal.accounts import roles
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section
        from portal.notifications import register_kind

        def crud(model: str) -> list[str]:
            return [f"entries.{a}_{model}" for a in ("view", "add", "change", "delete")]

        reference = [
            *crud("component"),
            *crud("entryoption"),
            *crud("paper"),
            *crud("lateentryperiod"),
        ]
        cases = [
            "entries.view_entrysubmission",
            "entries.change_entrysubmission",
            "entries.view_paperdespatch",
            "entries.change_paperdespatch",
            "entries.view_timetablecomment",
        ]
        roles.extend_role(roles.ENTRIES_TEAM, [*reference, *cases])
        roles.extend_role(
            roles.CUSTOMER_SERVICES,
            ["entries.view_entrysubmission", "entries.view_timetablecomment"],
        )
        register_kind("entries", "Entries and timetables")
        register_home_section(queries.home_section)
        register_demo_step(demo.seed_entries)
