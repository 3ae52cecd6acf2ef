"""The site's URLs: each app's routes, mounted by name (the project imports no views).

Names without a namespace: ``home`` (the officer's dashboard, or a delegate's visits)
and ``service_worker`` (``/sw.js``, at the root so it may control every page). The admin's
sign-in is allauth's ``account_login`` (``accounts/apps.py`` wraps ``admin.site.login``).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("accounts.language_urls")),
    path("", include("trips.offline_urls")),
    path("api/", include("api.urls")),
    path("health/", include("health.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("outcomes.dashboard_urls")),
    path("", include("visits.urls")),
    path("", include("visits.outbox_urls")),
    path("my/", include("trips.my_urls")),
    path("", include("trips.check_in_urls")),
    path("", include("trips.delegate_access_urls")),
    path("", include("trips.delegation_message_urls")),
    path("", include("outcomes.urls")),
    path("", include("delegations.urls")),
    path("", include("delegations.spreadsheet_urls")),
    path("", include("privacy.urls")),
    path("", include("partners.urls")),
    path("api-tokens/", include("api.token_urls")),
    prefix_default_language=False,
)

if settings.BENCH:
    urlpatterns += [path("", include("bench.urls"))]

# A database outage answers a friendly 503 page (health/views.py); other errors Django's 500.
handler500 = "health.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
