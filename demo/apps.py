from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The 2019 City Pair programme as demo data (``manage.py load_demo``)."""

    name = "demo"
    verbose_name = "Demo"
