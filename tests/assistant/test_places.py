"""Place names found in text: countries and U.S. states, as the news writes them."""

from __future__ import annotations

import pytest

from assistant.places import places_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Flooding reached Brazil's southern coast and parts of Ohio.", {"Brazil", "Ohio"}),  # a possessive
        ("Talks between South Korea and Bosnia and Herzegovina stalled.", {"South Korea", "Bosnia and Herzegovina"}),
        ("Imports to the U.S. rose. New York led the way.", {"U.S.", "New York"}),  # a name ending in a full stop
        ("The storm then turned towards Texas.", {"Texas"}),  # a sentence's full stop is not part of the name
        ("She baked a georgia peach pie and roasted a turkey.", set()),  # common words, not names
        ("The council met on Tuesday to discuss the harbour.", set()),
    ],
)
def test_places_in(text: str, expected: set[str]) -> None:
    assert places_in(text) == expected
