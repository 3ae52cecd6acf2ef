"""Every admin changelist, add and change page answers 200 for a superuser."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Every app of this project (whatever its name), not only the ones that had models when this was written.
ROOT = Path(settings.BASE_DIR).resolve()


def _ours(app) -> bool:
    path = Path(app.path).resolve()
    return path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")


OUR_APPS = {app.label for app in apps.get_app_configs() if _ours(app)}
MODEL_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in OUR_APPS
)


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_project_model_is_in_admin():
    from django.apps import apps

    ours = {
        (model._meta.app_label, model._meta.model_name)
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.model_name.startswith("historical")
    }

    assert ours == set(MODEL_ADMINS)


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_admin_pages_answer_200(admin_client, demo, app_label, model_name):
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    add = reverse(f"admin:{app_label}_{model_name}_add")

    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "Liège"}).status_code == 200
    assert admin_client.get(add).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert admin_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])).status_code == 200
