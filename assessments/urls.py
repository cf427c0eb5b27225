from __future__ import annotations

from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_history, name="history"),
    path("start/", views.assessment_start, name="start"),
    path("sources/", views.sources, name="sources"),
    path("framework/", views.framework_changelog, name="framework"),
    path("<int:pk>/", views.assessment_resume, name="resume"),
    path("<int:pk>/section/<slug:slug>/", views.assessment_section, name="section"),
    path("<int:pk>/quick/", views.assessment_quick, name="quick"),
    path("<int:pk>/review/", views.assessment_review, name="review"),
    path("<int:pk>/finish/", views.assessment_finish, name="finish"),
    path("<int:pk>/results/", views.assessment_results, name="results"),
    path("<int:pk>/results/scenarios/", views.assessment_scenarios, name="scenarios"),
]
