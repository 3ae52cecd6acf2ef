import pytest

from visits.pdf import STATIC_BASE, _fetcher_class, _static_path


def test_static_files_come_from_disk():
    assert _static_path(f"{STATIC_BASE}css/print.css").name == "print.css"
    assert _static_path("/static/css/print.css").name == "print.css"


def test_fetcher_refuses_anything_but_our_static_files():
    fetcher = _fetcher_class()()

    with pytest.raises(ValueError, match="Only the project's static files"):
        fetcher.fetch("http://127.0.0.1:8000/static/css/print.css")

    response = fetcher.fetch(f"{STATIC_BASE}css/print.css")
    assert response.read().startswith(b"/* The printed itinerary")
