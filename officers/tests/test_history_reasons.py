"""History reasons are stored as stable English words and shown in the reader's language."""

import pytest
from django.utils import translation

from officers.history import reason_label


@pytest.mark.parametrize(
    ("reason", "english", "french"),
    [
        ("cloned", "cloned", "copié"),
        ("network membership recorded", "network membership recorded", "adhésion au réseau enregistrée"),
        ("status: done", "status: done", "état : fait"),
        ("status: in_progress", "status: in progress", "état : en cours"),
        ("merged from Liege", "merged from Liege", "fusionné depuis Liege"),
        ("something new", "something new", "something new"),
        ("", "", ""),
    ],
)
def test_reason_label_speaks_the_active_language(reason, english, french):
    with translation.override("en"):
        assert reason_label(reason) == english
    with translation.override("fr"):
        assert reason_label(reason) == french
