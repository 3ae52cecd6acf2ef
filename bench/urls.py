from django.urls import path

from .views import bench_ceiling

urlpatterns = [path("bench/ceiling/", bench_ceiling, name="bench_ceiling")]
