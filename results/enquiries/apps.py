from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "results.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries about results"

    def ready(self):
        from portal.accounts import roles
        from portal.core.demo import register_demo_step
        from results.enquiries import demo

        viewing = ["enquiries.view_enquiry", "enquiries.view_serviceterms"]
        # The results team answers enquiries and keeps the fees and deadlines; customer
        # services read them to answer a centre's questions.
        roles.extend_role(
            roles.RESULTS_TEAM,
            [
                *viewing,
                "enquiries.change_enquiry",
                *[f"enquiries.{a}_serviceterms" for a in ("add", "change", "delete")],
            ],
        )
        roles.extend_role(roles.CUSTOMER_SERVICES, viewing)
        register_demo_step(demo.seed_enquiries)
