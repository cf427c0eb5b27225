from __future__ import annotations

from django.urls import path

from transition.identity import scim

app_name = "scim"

urlpatterns = [
    path("ServiceProviderConfig", scim.service_provider_config, name="config"),
    path("Users", scim.users, name="users"),
    path("Users/<int:pk>", scim.user, name="user"),
]
