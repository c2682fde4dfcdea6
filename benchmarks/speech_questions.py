"""Questions asking what someone said, over the dev set's store: does the answer give their words?

    python benchmarks/speech_questions.py ../shared/bench/realtimeqa-dev [--data-dir DIR] [--show]

The quiz asks no "What did X say?" question, the kind a reader asks most of a news desk, so this
script asks sixteen of its own (written for it, about stories the dev articles cover), each as of
a day of the story, with the default answerer, and prints for each whether the answer's first
quoted sentence gives words to whom it asks about ("says Yeoh", "Ardern told reporters";
``answer_kinds.attributes_to``) and whether any quoted sentence does. Run on a folder that
``newsdesk eval`` has ingested; ``--show`` prints the answers too.
"""

from __future__ import annotations

import re

from eval_folder import eval_folder_parser, eval_folder_settings

from assistant.answerers.answer_kinds import attributes_to, speaker
from assistant.chain import answer
from assistant.services import Services

QUESTIONS = [
    ("What did Michelle Yeoh say in her speech?", "2023-01-11"),
    ("What did Zelenskyy say about the tanks?", "2023-01-27"),
    ("What did Biden say about the classified documents?", "2023-01-20"),
    ("What did McCarthy say after he won the speaker vote?", "2023-01-09"),
    ("What did Ardern say about resigning?", "2023-01-20"),
    ("What did Prince Harry say about his brother?", "2023-01-13"),
    ("What did Powell say about interest rates?", "2023-02-03"),
    ("What did Sunak say about Zahawi?", "2023-01-30"),
    ("What did Damar Hamlin say after leaving hospital?", "2023-01-13"),
    ("What did Tom Brady say about retiring?", "2023-02-03"),
    ("What did the Pentagon say about the balloon?", "2023-02-05"),
    ("What did Blinken say about the balloon?", "2023-02-05"),
    ("What did Satya Nadella say about the layoffs?", "2023-01-20"),
    ("What did George Santos say about his resume?", "2023-01-10"),
    ("What did Macron say about the pension reform?", "2023-01-20"),
    ("What did Lula say about the riots?", "2023-01-10"),
]


def quoted_sentences(text: str) -> list[str]:
    """The sentences an extractive answer quotes, each ending in its marker (no note, no headline)."""
    paragraphs = [p for p in text.split("\n\n") if not p.startswith("The passages quoted")]
    body = paragraphs[-1] if paragraphs else ""
    return [s for s in re.split(r"(?<=\[\d\]) ", body) if s]


def main() -> None:
    parser = eval_folder_parser(__doc__)
    parser.add_argument("--show", action="store_true", help="print each answer")
    args = parser.parse_args()
    services = Services(eval_folder_settings(args))
    first = anywhere = 0
    for question, as_of in QUESTIONS:
        who = speaker(question)
        assert who, question
        result = answer(question, as_of=as_of, services=services)
        sentences = quoted_sentences(result.answer)
        leads = bool(sentences) and attributes_to(sentences[0], who)
        gives = any(attributes_to(s, who) for s in sentences)
        first, anywhere = first + leads, anywhere + gives
        print(f"{'first' if leads else 'later' if gives else 'none ':5}  {question}")
        if args.show:
            print("       " + result.answer.replace("\n", "\n       ") + "\n")
    print(f"\nfirst quote gives their words: {first}/{len(QUESTIONS)}; any quote does: {anywhere}/{len(QUESTIONS)}")


if __name__ == "__main__":
    main()
