from django.urls import path, re_path

from api import views
from api.endpoints import api

app_name = "api"

urlpatterns = [
    path("docs/", views.api_docs, name="docs"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("", api.urls),
    # Any other address under /api/ answers in the API's error shape rather than with the HTML 404 page.
    re_path(r"^(?!tokens/|docs/).*$", views.api_not_found),
]
