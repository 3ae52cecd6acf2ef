from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from visits.delegate_views import service_worker
from visits.views import home

from .admin_login import admin_login
from .views import bench_ceiling

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("sw.js", service_worker, name="service_worker"),
    path("api/", include("visits.api_urls")),
    path("health/", include("health.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", home, name="home"),
    path("", include("visits.urls")),
    path("", include("visits.outbox_urls")),
    path("my/", include("visits.delegate_urls")),
    path("", include("visits.officer_delegate_urls")),
    path("", include("visits.outcome_urls")),
    path("", include("delegations.import_urls")),
    path("", include("visits.privacy_urls")),
    path("", include("partners.urls")),
    path("", include("delegations.urls")),
    path("", include("notifications.urls")),
    prefix_default_language=False,
)

# A database outage answers a friendly 503 page (health/views.py); other errors Django's 500.
handler500 = "health.views.server_error"

if settings.BENCH_CEILING_VIEW:
    urlpatterns.append(path("bench/ceiling/", bench_ceiling, name="bench_ceiling"))

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
