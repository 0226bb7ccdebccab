from django.urls import path

from aims import views

app_name = "aims"

urlpatterns = [
    path("", views.strategy_list, name="strategy_list"),
    path("<slug:slug>/", views.strategy_detail, name="strategy_detail"),
]
