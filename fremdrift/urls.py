from django.contrib import admin
from django.urls import include, path

from fremdrift.api import views as api_views
from fremdrift.api.api import api
from fremdrift.citizens.urls import urlpatterns as citizen_urls
from fremdrift.core import views as core_views
from fremdrift.jobs import views as jobs_views
from fremdrift.pages import programme_views, timeline_views, worklist_views
from fremdrift.pages import views as pages
from fremdrift.plans import review_views
from fremdrift.plans.urls import urlpatterns as plan_urls
from fremdrift.programmes.urls import citizen_urlpatterns as enrolment_urls
from fremdrift.programmes.urls import urlpatterns as programme_urls
from fremdrift.referrals.urls import enrolment_urlpatterns as enrolment_exit_urls
from fremdrift.referrals.urls import programme_urlpatterns as programme_close_urls
from fremdrift.rights.urls import citizen_urlpatterns as subject_access_urls

# The pages that compose several apps join the namespaces of the apps they are named after.
citizen_pages = [
    path("", pages.citizen_list, name="list"),
    path("new/", pages.citizen_create, name="create"),
    path("<int:citizen_id>/", pages.citizen_detail, name="detail"),
]
# The red thread composes plans, programmes and referrals, so its views are the pages app's;
# their names stay the plans app's.
plan_pages = [
    path("review/sample/", review_views.case_review_sample_page, name="case_review_sample"),
    path("review/<str:number>/", timeline_views.case_review_case, name="case_review_case"),
    path("review/<str:number>/grade/", review_views.case_review_grade, name="case_review_grade"),
    path("<int:citizen_id>/timeline/", timeline_views.timeline_page, name="timeline"),
    path(
        "<int:citizen_id>/timeline/document/",
        timeline_views.timeline_document,
        name="timeline_document",
    ),
]
programme_pages = [
    path("", programme_views.programme_list, name="list"),
    path("<int:programme_id>/", pages.programme_detail, name="detail"),
]

urlpatterns = [
    path("", worklist_views.home, name="home"),
    path("healthz", jobs_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("fremdrift.accounts.urls")),
    path("accounts/", include("fremdrift.signin.urls")),
    path("accounts/users/clients/", include("fremdrift.api.urls")),
    path("citizens/", include((citizen_pages + citizen_urls, "citizens"))),
    path("citizens/", include("fremdrift.assessments.urls")),
    path("citizens/", include((plan_urls + plan_pages, "plans"))),
    path("citizens/", include("fremdrift.referrals.urls")),
    path("citizens/", include((enrolment_urls + enrolment_exit_urls, "enrolments"))),
    path("citizens/", include((subject_access_urls, "subject_access"))),
    path(
        "programmes/",
        include((programme_urls + programme_pages + programme_close_urls, "programmes")),
    ),
    path("companies/", include("fremdrift.companies.urls")),
    path("reports/", include("fremdrift.reports.urls")),
    path("retention/", include("fremdrift.rights.urls")),
    path("api/v1/", api.urls),
    path("api-tokens/", api_views.tokens_moved, name="api-tokens"),
    path("exchange/", include("fremdrift.exchange.urls")),
    path("instruments/", include("fremdrift.instruments.urls")),
    path("codelists/", include("fremdrift.codeadmin.urls")),
    path("audit/", include("fremdrift.audit.urls")),
    path("", include("fremdrift.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "fremdrift.core.views.bad_request"
handler403 = "fremdrift.core.views.permission_denied"
handler404 = "fremdrift.core.views.page_not_found"
handler500 = "fremdrift.core.views.server_error"
