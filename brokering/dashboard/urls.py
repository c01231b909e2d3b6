from django.urls import path

from brokering.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("<str:table>.csv", views.dashboard_csv, name="csv"),
]
