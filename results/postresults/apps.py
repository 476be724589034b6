from django.apps import AppConfig


class PostresultsConfig(AppConfig):
    name = "results.postresults"
    label = "postresults"
    verbose_name = "Post-results services"

    def ready(self):
        from portal.accounts import roles
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind
        from results.postresults import demo

        # The results team despatches paper copies, certificates and certifying statements,
        # and sends results to institutions; customer services answers learners' questions.
        roles.extend_role(
            roles.RESULTS_TEAM,
            [
                "postresults.view_servicerequest",
                "postresults.change_servicerequest",
                "postresults.view_certificatedespatch",
                "postresults.change_certificatedespatch",
            ],
        )
        roles.extend_role(
            roles.CUSTOMER_SERVICES,
            ["postresults.view_servicerequest", "postresults.view_certificatedespatch"],
        )
        register_kind("postresults", "Certificates, paper copies and statements")
        register_demo_step(demo.seed_service_requests)
        register_demo_step(demo.seed_certificate_despatches)
