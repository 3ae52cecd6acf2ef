from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PagecacheConfig(AppConfig):
    """Whole pages and costly fragments cached in Redis under the versions of the tables they read."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from .tables import install

        connection_created.connect(install, dispatch_uid="pagecache-tables")
