from django.urls import path

from accounts.views import language_set

# Django's own name, so ``{% url 'set_language' %}`` keeps working.
urlpatterns = [path("setlang/", language_set, name="set_language")]
