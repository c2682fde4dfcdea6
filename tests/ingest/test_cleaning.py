from pathlib import Path

import pytest

from ingest.cleaning import clean_text, normalize_text


def test_seed_article_furniture_is_dropped(seed_path: Path) -> None:
    text = clean_text(seed_path.read_text(encoding="utf-8"))
    assert "Post a Comment" not in text
    assert not text.rstrip().endswith("Comments")
    assert text.rstrip().endswith("Middle East chessboard.")


def test_whitespace_collapsed_and_unicode_normalised() -> None:
    raw = "Ｆｕｌｌｗｉｄｔｈ  text\t\twith\u00a0spaces \r\n\r\n\n  second   line  "
    assert normalize_text(raw) == "Fullwidth text with spaces\nsecond line"


def test_control_and_bidi_characters_removed() -> None:
    raw = "safe\u202etxt.exe and\u200b hidden\x07 bell"
    cleaned = normalize_text(raw)
    assert "\u202e" not in cleaned and "\u200b" not in cleaned and "\x07" not in cleaned
    assert cleaned == "safetxt.exe and hidden bell"


def test_bullets_and_pictographs_opening_a_line_are_dropped_and_separator_lines_too() -> None:
    raw = (
        "• Eastport: the ferry sails again on Monday.\n"
        "►Harbour fees rise for the first time since 2019.\n"
        "___\n"
        "♦\n"
        "🙋🏼\u200d♀️ I'm Ana Ruiz, and this is the morning briefing.\n"
        "👉 Can the council be recalled? Here is what we know.\n"
        "The forecast says 3° of frost overnight.\n"
        "© Eastport Gazette, the harbour's paper since 1901\n"
        "-5 was the lowest reading.\n"
        "2025\n"
        "The ★ rating was dropped."
    )
    assert clean_text(raw).split("\n") == [
        "Eastport: the ferry sails again on Monday.",
        "Harbour fees rise for the first time since 2019.",
        "I'm Ana Ruiz, and this is the morning briefing.",
        "Can the council be recalled? Here is what we know.",
        "The forecast says 3° of frost overnight.",
        "© Eastport Gazette, the harbour's paper since 1901",  # a copyright sign says something
        "-5 was the lowest reading.",
        "2025",
        "The ★ rating was dropped.",  # only what opens a line
    ]


def test_trailing_furniture_variants_dropped_but_reporting_kept() -> None:
    raw = "The mayor spoke on Tuesday.\nAdvertisement\nShe said the plan would work.\nShare this article\nTags: politics, city\n© 2025 Example News\n"
    assert clean_text(raw) == "The mayor spoke on Tuesday.\nShe said the plan would work."


@pytest.mark.parametrize(
    "share", ["Share this article on Facebook", "Share on X", "Share via email", "Share this story with friends"]
)
def test_share_prompts_at_the_end_are_dropped(share: str) -> None:
    assert clean_text(f"The council voted to replace the water mains.\n{share}") == (
        "The council voted to replace the water mains."
    )
    kept = "Share prices fell on Monday after the vote."
    assert clean_text(f"The council voted.\n{kept}") == f"The council voted.\n{kept}"


def test_a_line_that_only_mentions_comments_stays() -> None:
    raw = "Officials made no comments on the deal.\nComments"
    assert clean_text(raw) == "Officials made no comments on the deal."


def test_links_to_other_stories_are_dropped_wherever_they_sit() -> None:
    raw = "\n".join(
        [
            "The county closed the old ferry pier on Friday after divers found cracks in its piles.",
            "More:Ferry timetable changes for the summer season",
            "Engineers will decide next month whether the pier can be repaired.",
            "Read more: County budget leaves little room for harbour repairs",
            "More on the pier:Why the county waited two years to inspect it",
            "OPINION:The harbour deserves better than a closed pier",
            "WATCH:Drone footage of the damaged piles",
            "Photo gallery: Divers inspect the cracked piles.",
            "Live updates: Ferry passengers stranded on the north quay",
            "Opinion: The county cannot keep patching the pier",
            "'It is a long way round':Commuters count the cost of the closed pier",
            "Harbour board:Pier repairs will take until the spring. Here is what we know.",
            "What happens if the ferry stops running for the whole winter?:Here is what islanders can expect.",
            "How the pier was built in the days before concrete and steel piles:A look back at 1887",
            "Northgate:The town council voted on Monday to pay for a temporary landing stage.",
            "Port Aldwin:The ferry company said it would add a second boat.",
            "Ferry operator:“We will run a reduced service from the south quay.”",
            "Residents said the closure would add an hour to their commute: “It is a long way round.”",
            "Opinion: A March 4 column on the pier misspelled the harbour master's name.",
        ]
    )
    assert clean_text(raw).split("\n") == [
        "The county closed the old ferry pier on Friday after divers found cracks in its piles.",
        "Engineers will decide next month whether the pier can be repaired.",
        "Northgate:The town council voted on Monday to pay for a temporary landing stage.",  # a dateline, a sentence
        "Port Aldwin:The ferry company said it would add a second boat.",
        "Ferry operator:“We will run a reduced service from the south quay.”",  # a quote, not a link
        "Residents said the closure would add an hour to their commute: “It is a long way round.”",
        "Opinion: A March 4 column on the pier misspelled the harbour master's name.",  # a correction
    ]


def test_a_feeds_appeared_first_on_line_is_furniture_but_a_sentence_about_a_post_is_not() -> None:
    raw = (
        "The pier reopened on Friday.\nThe post Pier Reopens appeared first on Coastline Gazette.\n"
        "The post office on Fore Street will close, the company said.\n"
    )
    assert (
        clean_text(raw) == "The pier reopened on Friday.\nThe post office on Fore Street will close, the company said."
    )


def test_newsletter_sign_ups_and_consent_notices_are_dropped_but_reporting_on_them_is_kept() -> None:
    raw = "\n".join(
        [
            "We will use the details you have shared to manage your registration, as our Privacy Policy says.",
            "Would you like to receive the Harbour Morning newsletter ?",
            "The harbour board approved night ferries on the island route from March.",
            "HARBOUR NEWSLETTER:Sign up to get the latest ferry news delivered to your inbox",
            "Crews will run two late crossings on Fridays, the board said.",
            "A version of this story appeared in the Gazette's Coastline newsletter. To get it in your inbox, sign up here.",
            "If you wish to object to the use of your data in this way, please tick here.",
            "'We' includes the Harbour Gazette and its sister titles as detailed here.",
            "Thank you for supporting our journalism. You can subscribe to our print edition here.",
            'The board also publishes online newsletters, its chair said, and "you can read every minute" of it.',
            "Readers who signed up for the council's newsletter last year got the timetable first.",
            '"We" means everyone on the island, the ferry captain said.',
            "What is the island talking about? Sign up for our ferry newsletter to get the day's crossings",
            "Follow us on Twitter! Like our page for updates through the day.",
            "Ana Ruiz covers the harbour for the Gazette. Enjoy reporting like this? Support quality journalism like this by subscribing.",
            "We know winter travel is hard, so this series will help you stay updated on every timetable change.",
            "The Tide Roundup is our short morning briefing. Subscribe here!",
            "The council asked islanders to sign up for flood alerts by text before the storm.",
            "Ferry staff said they would register complaints at the harbour office.",
        ]
    )
    assert clean_text(raw).split("\n") == [
        "The harbour board approved night ferries on the island route from March.",
        "Crews will run two late crossings on Fridays, the board said.",
        # reporting that mentions a newsletter, not speaking to the reader about one
        'The board also publishes online newsletters, its chair said, and "you can read every minute" of it.',
        "Readers who signed up for the council's newsletter last year got the timetable first.",
        '"We" means everyone on the island, the ferry captain said.',
        # asking people to sign up, reported: not the page asking the reader
        "The council asked islanders to sign up for flood alerts by text before the storm.",
        "Ferry staff said they would register complaints at the harbour office.",
    ]
