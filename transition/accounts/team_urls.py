from __future__ import annotations

from django.urls import path

from transition.accounts import team_views

app_name = "team"
urlpatterns = [
    path("", team_views.dashboard, name="dashboard"),
    path("export.csv", team_views.export_csv, name="export_csv"),
    path("people/<int:engineer_pk>/results/", team_views.person_results, name="person_results"),
    path("people/<int:engineer_pk>/roadmap/", team_views.person_roadmap, name="person_roadmap"),
    path("people/<int:engineer_pk>/rate/", team_views.rate, name="rate"),
]
