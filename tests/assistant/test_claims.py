from pathlib import Path

import pytest

from assistant.answerers.claims import claim_spans, in_claim, is_claim_line
from assistant.chain import answer
from assistant.services import Services

# a fact check in the usual form: the claim and the post that made it, the verdict, what happened
FACT_CHECK = (
    "The claim: A fisherman caught a shark in the town reservoir\n"
    "A viral post shows a man holding a grey shark beside the reservoir's dam, with the caption "
    '"Caught this monster in the town reservoir this morning."\n'
    "Our rating: False\n"
    "No shark has been found in the reservoir. The photo was taken in 2019 at a fishing contest "
    "on the coast, the contest's organisers said.\n"
)


def test_the_claim_runs_from_its_line_to_the_verdict() -> None:
    spans = claim_spans(FACT_CHECK)
    verdict = FACT_CHECK.index("Our rating")
    assert spans == [(0, verdict)]
    assert in_claim(spans, FACT_CHECK.index("A viral post")) and not in_claim(spans, FACT_CHECK.index("No shark"))


@pytest.mark.parametrize(
    ("text", "claimed", "reported"),
    [
        ("CLAIM: The moon is hollow.\nAP'S ASSESSMENT: False.\nIt is not.", "The moon is hollow.", "It is not."),
        ("Claim: Rain is dry.\nVerdict: False\nRain is wet.", "Rain is dry.", "Rain is wet."),
        ("The claim: Tea cures colds\nA post says so.", "A post says so.", None),  # cut before the verdict
    ],
)
def test_other_fact_checks_forms(text: str, claimed: str, reported: str | None) -> None:
    spans = claim_spans(text)
    assert in_claim(spans, text.index(claimed))
    assert reported is None or not in_claim(spans, text.index(reported))


@pytest.mark.parametrize(
    ("line", "claim"),
    [
        ("The claim: A fisherman caught a shark", True),
        ("CLAIM: The moon is hollow.", True),
        ("The claims adjuster said the roof was lost.", False),  # no label
        ("She repeated the claim: that the dam leaked.", False),  # not at the line's start
    ],
)
def test_a_claim_line(line: str, claim: bool) -> None:
    assert is_claim_line(line) is claim


def test_a_fact_check_is_answered_with_its_verdict_not_the_claim(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "shark.md"
    path.write_text(
        "---\ntitle: 'Fact check: No shark was caught in the town reservoir'\npublished: 2025-05-02\n---\n" + FACT_CHECK
    )
    services.ingest([str(path)])
    result = answer("Was a shark caught in the town reservoir?", services=services)
    assert not result.refused and "No shark has been found in the reservoir" in result.answer
    assert "Caught this monster" not in result.answer and "The claim:" not in result.answer
    assert result.answer.startswith("Fact check: No shark was caught in the town reservoir [1]")
    news = answer("What happened this week?", as_of="2025-05-03", services=services)
    assert "No shark has been found" in news.answer and "The claim" not in news.answer  # the digest's opening
