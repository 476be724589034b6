from portal.accounts import services


class EndApiTokensOnPasswordChange:
    """A new password ends every API token of its owner.

    Django calls ``password_changed`` on each password validator after a password set with
    ``set_password`` is saved, by any path, and not when it merely rehashes the same password
    at sign-in; that makes it the one place that sees every real change.
    """

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            services.end_api_tokens(user)

    def get_help_text(self):
        return "A new password also ends every API token you hold: connected systems sign in again."
