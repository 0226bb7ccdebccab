from django.urls import path

from people import council_views, views

app_name = "people"

urlpatterns = [
    path("strategies/<slug:slug>/people/", views.people_list, name="people_list"),
    path("strategies/<slug:slug>/people/invite/", views.invite, name="invite"),
    path("strategies/<slug:slug>/people/<int:pk>/invited/", views.invite_sent, name="invite_sent"),
    path("strategies/<slug:slug>/people/<int:pk>/roles/", views.roles_change, name="roles_change"),
    path("strategies/<slug:slug>/people/<int:pk>/remove/", views.person_remove, name="person_remove"),
    path("strategies/<slug:slug>/people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("councils/", council_views.council_list, name="council_list"),
    path("councils/add/", council_views.council_add, name="council_add"),
    path("councils/<slug:slug>/lead/", council_views.council_lead_invite, name="council_lead_invite"),
    path(
        "councils/<slug:slug>/lead/<int:pk>/invited/", council_views.council_lead_invited, name="council_lead_invited"
    ),
    path("invitation/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
]
