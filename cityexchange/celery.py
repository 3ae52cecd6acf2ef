"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityexchange.settings")

app = Celery("cityexchange")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def close_old_database_connections(task=None, **kwargs):
    """After a task, as after a web request: close connections past ``CONN_MAX_AGE`` or broken by an error.

    ``CELERY_DB_REUSE_MAX`` stops Celery from closing every connection around every task;
    this keeps Django's own rules. Tasks run in-process (eager) are left alone: they run
    inside the caller's request or transaction.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
