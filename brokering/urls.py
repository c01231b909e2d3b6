app_name = "brokering"

urlpatterns: list = []
