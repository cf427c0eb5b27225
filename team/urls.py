from __future__ import annotations

from django.urls import path

from team import views

app_name = "team"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("people/<int:engineer_pk>/results/", views.person_results, name="person_results"),
    path("people/<int:engineer_pk>/roadmap/", views.person_roadmap, name="person_roadmap"),
    path("people/<int:engineer_pk>/rate/", views.rate, name="rate"),
]
