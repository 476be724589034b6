from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from portal.accounts import views
from portal.accounts.forms import PortalPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("api-tokens/", views.ApiTokenListView.as_view(), name="api_tokens"),
    path("api-tokens/revoke-all/", views.revoke_all_api_tokens, name="revoke_all_api_tokens"),
    path("api-tokens/<uuid:public_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/form_page.html",
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"title": "Change your password", "submit": "Change password"},
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Password changed",
                "message": "Your password has been changed.",
            },
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PortalPasswordResetForm,
            template_name="accounts/form_page.html",
            email_template_name="accounts/email/password_reset.txt",
            html_email_template_name="accounts/email/password_reset.html",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_context={
                "title": "Reset your password",
                "intro": "Enter the email address of your account. If it is ours, we will "
                "send a link to choose a new password.",
                "submit": "Send the link",
            },
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Check your email",
                "message": "If an account has that address, a link to reset its password is "
                "on its way. The link works once, for three days.",
            },
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Password reset",
                "message": "Your password has been set. You can now sign in.",
                "sign_in_link": True,
            },
        ),
        name="password_reset_complete",
    ),
]
