from django.urls import include, path

urlpatterns: list[object] = [
    path("", include("followup.front.urls")),
    path("", include("followup.notify.urls")),
]
