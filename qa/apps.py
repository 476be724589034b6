from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "qa"
    verbose_name = "Quality assurance"

    def ready(self):
        from portal.accounts import roles
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section
        from portal.notifications import register_kind
        from qa import demo, queries

        # Assessment specialists sample centres, open evidence requests, judge the
        # evidence and decide; they also set each series' QA dates.
        roles.extend_role(
            roles.ASSESSMENT_SPECIALIST,
            [
                "qa.view_qarequest",
                "qa.add_qarequest",
                "qa.review_qarequest",
                "qa.view_grade",
                "qa.view_qaseries",
                "qa.add_qaseries",
                "qa.change_qaseries",
                "entries.view_candidate",
            ],
        )
        # The results team reads what QA holds and the grades it issues.
        roles.extend_role(roles.RESULTS_TEAM, ["qa.view_qarequest", "qa.view_grade"])
        register_kind("qa", "Quality assurance")
        register_home_section(queries.home_section)
        register_demo_step(demo.seed_qa)
