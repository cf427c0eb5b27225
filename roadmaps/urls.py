from __future__ import annotations

from django.urls import path

from roadmaps import comment_views, views

app_name = "roadmaps"
urlpatterns = [
    path("", views.roadmap_home, name="home"),
    path("new/", views.roadmap_new, name="new"),
    path("<int:pk>/", views.roadmap_detail, name="detail"),
    path("<int:pk>/replan/", views.roadmap_replan, name="replan"),
    path("<int:pk>/print/", views.roadmap_print, name="print"),
    path("<int:pk>/roadmap.json", views.roadmap_export_json, name="export_json"),
    path("<int:pk>/roadmap.ics", views.roadmap_calendar, name="calendar"),
    path("<int:pk>/items/<int:item_pk>/", views.item_update, name="item_update"),
    # The item card builds the next three from item_update's address, and the comment threads build
    # comment_edit and comment_delete from comment_create's: one reversal per card or thread rather
    # than one per form. tests/roadmaps/test_addresses.py checks every address on the page resolves.
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/comments/", comment_views.item_comments, name="item_comments"),
    path("<int:pk>/items/<int:item_pk>/links/", views.link_add, name="link_add"),
    path("<int:pk>/links/<int:link_pk>/delete/", views.link_delete, name="link_delete"),
    path("<int:pk>/comments/", comment_views.comment_create, name="comment_create"),
    path("<int:pk>/comments/<int:comment_pk>/edit/", comment_views.comment_edit, name="comment_edit"),
    path("<int:pk>/comments/<int:comment_pk>/delete/", comment_views.comment_delete, name="comment_delete"),
]
