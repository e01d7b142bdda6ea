from django.urls import path

from . import views

app_name = "plans"
# The red thread and the case review's reading of it (`plans:timeline`,
# `plans:case_review_case`) compose programmes and referrals: `pages.timeline_views`, added
# to this namespace in `fremdrift/urls.py`.
urlpatterns = [
    path("review/", views.case_review, name="case_review"),
    path("<int:citizen_id>/plan/", views.plan_page, name="plan"),
    path("<int:citizen_id>/plan/edit/", views.plan_update, name="update"),
    path("<int:citizen_id>/plan/forms/<slug:name>/", views.plan_form, name="form"),
    path("<int:citizen_id>/plan/goals/", views.goal_create, name="goal_create"),
    path("<int:citizen_id>/plan/goals/<int:goal_id>/", views.goal_change, name="goal_change"),
    path("<int:citizen_id>/plan/activities/", views.activity_create, name="activity_create"),
    path("<int:citizen_id>/plan/activities/types/", views.activity_types, name="activity_types"),
    path(
        "<int:citizen_id>/plan/activities/<int:activity_id>/",
        views.activity_follow_up,
        name="activity_follow_up",
    ),
    path("<int:citizen_id>/plan/meetings/", views.meeting_create, name="meeting_create"),
    path("<int:citizen_id>/plan/meetings/book/", views.meeting_book, name="meeting_book"),
    path(
        "<int:citizen_id>/plan/meetings/<int:meeting_id>/edit/",
        views.meeting_edit,
        name="meeting_edit",
    ),
    path(
        "<int:citizen_id>/plan/meetings/<int:meeting_id>/complete/",
        views.meeting_complete,
        name="meeting_complete",
    ),
    path(
        "<int:citizen_id>/plan/meetings/<int:meeting_id>/cancel/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path("<int:citizen_id>/plan/mentors/", views.mentor_create, name="mentor_create"),
    path("<int:citizen_id>/plan/vacancies/", views.vacancy_suggest, name="vacancy_suggest"),
    path(
        "<int:citizen_id>/plan/vacancies/<int:suggestion_id>/",
        views.vacancy_suggestion_outcome,
        name="vacancy_suggestion_outcome",
    ),
    path("<int:citizen_id>/plan/roles/", views.plan_role_create, name="plan_role_create"),
    path(
        "<int:citizen_id>/plan/roles/<int:plan_role_id>/remove/",
        views.plan_role_remove,
        name="plan_role_remove",
    ),
    path(
        "<int:citizen_id>/plan/other-plans/",
        views.statutory_plan_create,
        name="statutory_plan_create",
    ),
    path(
        "<int:citizen_id>/plan/other-plans/<int:statutory_plan_id>/priority/",
        views.statutory_plan_prioritise,
        name="statutory_plan_prioritise",
    ),
    path(
        "<int:citizen_id>/plan/other-plans/<int:statutory_plan_id>/remove/",
        views.statutory_plan_remove,
        name="statutory_plan_remove",
    ),
    path("<int:citizen_id>/report/", views.citizen_report, name="report"),
]
