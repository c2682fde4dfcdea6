"""Place names found in text: countries and U.S. states, as the news writes them."""

from __future__ import annotations

import pytest

from assistant.places import countries_described, places_in


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A suspected Chinese research balloon crossed the coast.", {"China"}),
        ("South Korean and Filipino crews joined the search.", {"South Korea", "Philippines"}),  # not Korea
        ("The Swiss bank's shares fell; Dutch regulators said nothing.", {"Switzerland", "Netherlands"}),
        ("She wore a chinese-style jacket to a german lesson.", set()),  # not written as a people's word
        ("Officials in Brazil said so.", set()),  # the country's own name is places_in's
        ("The balloon, officials said, was Chinese.", {"China"}),  # a sentence's full stop is not part of it
    ],
)
def test_countries_described(text: str, expected: set[str]) -> None:
    assert countries_described(text) == expected
