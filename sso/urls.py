app_name = "sso"

urlpatterns = []
