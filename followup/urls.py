from django.urls import include, path

urlpatterns: list[object] = [
    path("", include("followup.front.urls")),
    path("", include("followup.notify.urls")),
]

# A request that finds the database busy gets "try again" (503), never a bare error page.
handler500 = "followup.front.errors.server_error"
