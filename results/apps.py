from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = "Results"

    def ready(self):
        from portal.accounts import roles
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section
        from portal.notifications import register_kind
        from qa import services as qa
        from results import demo, home, qa_link

        roles.extend_role(
            roles.RESULTS_TEAM,
            [
                *[f"results.{a}_result" for a in ("view", "add", "change")],
                "results.view_resultchange",
                *[f"results.{a}_qahold" for a in ("view", "change")],
                *[f"results.{a}_releasedate" for a in ("view", "add")],
                *[f"results.{a}_resultimport" for a in ("view", "add")],
            ],
        )
        # Customer services answer centres' questions about results; they read, never change.
        roles.extend_role(
            roles.CUSTOMER_SERVICES, ["results.view_result", "results.view_releasedate"]
        )
        register_kind("results", "Results")
        register_home_section(home.home_section)
        register_demo_step(demo.seed_results)
        # Results held while QA of the centre's syllabus is under way (results/qa_link.py).
        qa.on_opened(qa_link.hold_for)
        qa.on_settled(qa_link.release_for)
