from django.urls import path

from strategy_portal.urls import urlpatterns as portal_urlpatterns


def fail(request):
    raise RuntimeError("a defect in a view")


urlpatterns = [path("test-only/fail/", fail), *portal_urlpatterns]
handler403 = "strategy_portal.views.permission_denied"
