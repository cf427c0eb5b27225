from __future__ import annotations

from django.urls import path

from transition.accounts import notification_views, sharing_views

app_name = "sharing"
urlpatterns = [
    path("", sharing_views.share_list, name="list"),
    path("<int:pk>/revoke/", sharing_views.share_revoke, name="revoke"),
    path("<int:pk>/leave/", sharing_views.share_leave, name="leave"),
    path("<int:pk>/private/", sharing_views.share_private, name="private"),
    path("accept/<str:token>/", sharing_views.share_accept, name="accept"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification_open"),
    path("notifications/read-all/", notification_views.notifications_read_all, name="notifications_read_all"),
]
