from django.contrib import admin
from django.urls import include, path

from fremdrift.api.api import api
from fremdrift.core import views as core_views
from fremdrift.programmes.urls import citizen_urlpatterns as enrolment_urls

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("fremdrift.accounts.urls")),
    path("citizens/", include("fremdrift.citizens.urls")),
    path("citizens/", include("fremdrift.assessments.urls")),
    path("citizens/", include("fremdrift.plans.urls")),
    path("citizens/", include("fremdrift.referrals.urls")),
    path("citizens/", include((enrolment_urls, "enrolments"))),
    path("programmes/", include("fremdrift.programmes.urls")),
    path("reports/", include("fremdrift.reports.urls")),
    path("api/v1/", api.urls),
    path("api-tokens/", include("fremdrift.api.urls")),
    path("exchange/", include("fremdrift.exchange.urls")),
    path("instruments/", include("fremdrift.instruments.urls")),
    path("audit/", include("fremdrift.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "fremdrift.core.views.bad_request"
handler403 = "fremdrift.core.views.permission_denied"
handler404 = "fremdrift.core.views.page_not_found"
handler500 = "fremdrift.core.views.server_error"
