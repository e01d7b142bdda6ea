from django.urls import path

from . import case_review_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("progression/", views.progression, name="progression"),
    path("comparison/", views.comparison, name="comparison"),
    path("goals/", views.goals, name="goals"),
    path("agreement/", views.agreement, name="agreement"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("surveys/", views.surveys, name="surveys"),
    path("quality/", views.quality, name="quality"),
    path("case-reviews/", case_review_views.case_reviews, name="case_reviews"),
    path("dataset/", views.dataset_export, name="dataset"),
]
