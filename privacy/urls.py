from __future__ import annotations

from django.urls import path

from privacy import views

app_name = "account"
urlpatterns = [
    path("", views.account, name="settings"),
    path("export.json", views.data_export, name="export"),
    path("delete/", views.account_delete, name="delete"),
]
