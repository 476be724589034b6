from django.urls import path

from centres import views

app_name = "centres"

urlpatterns = [
    path("centres/<str:number>/", views.centre_detail, name="detail"),
    path("centres/<str:number>/details/", views.edit_details, name="edit_details"),
    path("centres/<str:number>/invite/", views.invite, name="invite"),
    path(
        "centres/<str:number>/users/<str:username>/remove/", views.remove_user, name="remove_user"
    ),
    path(
        "centres/<str:number>/invitations/<int:pk>/withdraw/",
        views.withdraw_invitation,
        name="withdraw_invitation",
    ),
    # The link in an invitation's email: the person invited may not have an account yet.
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
