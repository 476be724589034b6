from django.apps import AppConfig


class ArrangementsConfig(AppConfig):
    name = "entries.arrangements"
    label = "arrangements"
    verbose_name = "Access arrangements and special consideration"

    def ready(self):
        from entries.arrangements import demo, queries
        from portal.accounts import roles
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section

        viewing = [
            "arrangements.view_accessarrangement",
            "arrangements.view_specialconsideration",
            "arrangements.view_appeal",
        ]
        # The charter makes the assessment specialists answer for these deadlines; a
        # Director decides appeals too (the charter tells them of a late one); customer
        # services read the cases to answer a centre's questions.
        roles.extend_role(
            roles.ASSESSMENT_SPECIALIST,
            [
                *viewing,
                "arrangements.change_accessarrangement",
                "arrangements.change_specialconsideration",
                "arrangements.decide_appeal",
            ],
        )
        roles.extend_role(roles.DIRECTOR, [*viewing, "arrangements.decide_appeal"])
        roles.extend_role(roles.CUSTOMER_SERVICES, viewing)
        register_home_section(queries.home_section)
        register_demo_step(demo.seed_arrangements)
