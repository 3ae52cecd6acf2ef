"""What this app tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent with ``user`` and ``language`` when a signed-in person chooses a language on the site.
# ``delegations`` makes it their participant record's preferred language, so their email follows.
language_chosen = Signal()
