"""Unique candidate identifiers (UCI): 13 characters in the JCQ layout, the last a check
character.

    GB001 0 26 0042 H
    │     │ │  │    └ check character
    │     │ │  └ candidate number (four digits) where the UCI was first given
    │     │ └ two-digit year in which it was given
    │     └ the awarding body's character
    └ centre number where the UCI was first given

The check character is the JCQ's, as published in its "Unique Candidate Identifiers"
document and restated by WJEC (a JCQ member) with worked examples: multiply the first twelve
characters by 16, 15, …, 5; divide the sum by 17; the remainder chooses a letter of
``CHECK_LETTERS``. The worked examples are in ``tests/entries/test_uci.py``: 68199 0 01 2058
gives G, 68999 0 98 0001 gives D.

Where the JCQ's own centre numbers are five digits, ours open with the two letters of the
centre's country (``portal.centres.numbers``); a letter in the first twelve characters
counts as its place in the alphabet (A = 1 … Z = 26), the reading of implementations that
handle alphabetic board characters. The published examples have digits only, so this part
is our documented extension, not JCQ text.

A candidate keeps their UCI when they move: a UCI given by another centre is valid anywhere,
and only its layout and check character are checked.
"""

import re

WEIGHTS = tuple(range(16, 4, -1))  # 16, 15, …, 5 for the first twelve characters
CHECK_LETTERS = "ABCDEFGHKLMRTVWXY"  # remainder 0 … 16
# Our awarding body's character in the sixth place (JCQ boards have their own).
BOARD_CHARACTER = "0"

LAYOUT = re.compile(r"^[A-Z0-9]{5}[A-Z0-9][0-9]{2}[0-9]{4}[A-Z]$")
LAYOUT_MESSAGE = (
    "A UCI is 13 characters: the centre number (5), one board character, a two-digit year, "
    "the four-digit candidate number and a check letter, e.g. GB0010260042H."
)


def _value(character: str) -> int:
    if character.isdigit():
        return int(character)
    return ord(character) - ord("A") + 1


def check_character(first_twelve: str) -> str:
    """The check letter of the first twelve characters of a UCI."""
    if len(first_twelve) != 12 or not first_twelve.isalnum() or not first_twelve.isascii():
        raise ValueError("A UCI's check character is computed from twelve letters or digits.")
    total = sum(_value(c) * w for c, w in zip(first_twelve.upper(), WEIGHTS, strict=True))
    return CHECK_LETTERS[total % 17]


def uci_problem(uci: str) -> str | None:
    """Why ``uci`` is not a valid UCI, or None when it is."""
    if not LAYOUT.match(uci or ""):
        return LAYOUT_MESSAGE
    if uci[12] != check_character(uci[:12]):
        # Never the check character that would fit: a mistyped digit is not mended by
        # changing the last letter, and the UCI would then name another candidate.
        return (
            f"The UCI {uci} fails its check: one of its characters is wrong. Copy it again "
            "from the candidate's earlier entry or results."
        )
    return None


def is_valid_uci(uci: str) -> bool:
    return uci_problem(uci) is None


def propose_uci(*, centre_number: str, year: int, candidate_number: str) -> str:
    """The UCI the portal proposes for a candidate new to the centre: the centre's number,
    our board character, the year (two digits), the candidate number and the check letter."""
    first_twelve = f"{centre_number}{BOARD_CHARACTER}{year % 100:02d}{candidate_number}"
    return first_twelve + check_character(first_twelve)
