"""A delegate's own calendar entries that an app above visits keeps (trips: their own travel and hotels).

The visit's messages invite each delegate to every entry of theirs under its feed UID (see
``visits.emails``), and the publishing and digest workflows that decide who gets which message
live here, in visits, where the officers' pages and the beat task call them. visits may not
import the apps above it (import-linter layers), so such an app registers a provider once, in
its ``AppConfig.ready()``; the workflows ask the providers for a visit's own entries. This is a
query the workflow makes, not an event anyone listens to: what is sent, to whom and when stays here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from icalendar import Event


@dataclass(frozen=True)
class OwnEntry:
    """One delegate's own entry: ``subject`` is its ``ItineraryChange.Subject`` (and UID prefix)."""

    subject: str
    pk: int
    participant_id: int
    # Builds the entry's event as the delegate's feed has it (same UID and SEQUENCE); a new one each call.
    event: Callable[[], Event]


# provider(visit, keys=None) -> the visit's own entries, or only those whose (subject, pk) is in ``keys``.
Provider = Callable[..., Iterable[OwnEntry]]
_providers: list[Provider] = []


def own_entries_provider_register(provider: Provider) -> None:
    """Register ``provider`` (once: a second registration of the same function is ignored)."""
    if provider not in _providers:
        _providers.append(provider)


def own_entries_for_visit(visit, *, keys: set[tuple[str, int]] | None = None) -> list[OwnEntry]:
    """Every registered provider's own entries of ``visit`` (with ``keys``, only those)."""
    return [entry for provider in _providers for entry in provider(visit, keys=keys)]
