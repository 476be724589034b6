from django.urls import path

from results.learners import views

app_name = "learners"

urlpatterns = [
    path("learner/", views.home, name="home"),
    path("learner-accounts/", views.accounts, name="accounts"),
    path("learner-accounts/<int:pk>/resend/", views.resend, name="resend"),
    path("learner-accounts/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
