from __future__ import annotations

from django.urls import path

from transition.accounts import data_views

app_name = "account"
urlpatterns = [
    path("", data_views.account, name="settings"),
    path("export.json", data_views.data_export, name="export"),
    path("delete/", data_views.account_delete, name="delete"),
]
