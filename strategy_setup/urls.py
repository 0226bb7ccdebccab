app_name = "strategy_setup"

urlpatterns = []
