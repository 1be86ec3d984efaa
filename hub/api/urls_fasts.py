"""Routes of the churches, fasts, participants, stats, days and legacy endpoints
(docs/API.md §3)."""

from django.urls import path, register_converter

from hub.api.converters import IdConverter
from hub.api.views import churches, days, fasts, legacy, participants

register_converter(IdConverter, "id")

urlpatterns = [
    path("churches/", churches.ChurchListApi.as_view(), name="church-list"),
    path("churches/<id:pk>/", churches.ChurchDetailApi.as_view(), name="church-detail"),
    path("fasts/", fasts.FastListApi.as_view(), name="fast-list"),
    path("fasts/by-date/", fasts.FastsByDateApi.as_view(), name="fast-by-date"),
    path("fasts/by-feast-date/", fasts.FastsByFeastDateApi.as_view(), name="fast-by-feast-date"),
    path("fasts/join/", fasts.FastJoinApi.as_view(), name="fast-join"),
    path("fasts/leave/", fasts.FastLeaveApi.as_view(), name="leave-fast"),
    path("fasts/stats/", fasts.FastStatsApi.as_view(), name="fast-stats"),
    path("fasts/<id:pk>/", fasts.FastDetailApi.as_view(), name="fast-detail"),
    path(
        "fasts/<id:pk>/participants/",
        participants.FastParticipantsApi.as_view(),
        name="fast-participants",
    ),
    path(
        "fasts/<id:pk>/participants/paginated/",
        participants.FastParticipantsPaginatedApi.as_view(),
        name="fast-participants-paginated",
    ),
    path("fasts/<id:pk>/days/", days.FastDaysApi.as_view(), name="fast-days-list"),
    path("user/days/", days.UserDaysApi.as_view(), name="user-days"),
    path("user/fasts/", legacy.UserFastOnDateApi.as_view(), name="fast_on_date_user"),
    path("fast/", legacy.ChurchFastOnDateApi.as_view(), name="fast_on_date"),
]
