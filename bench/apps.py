from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark: its data, query counts and ceiling view; installed only while ``make bench`` runs."""

    name = "bench"
    verbose_name = "Benchmark"
