import pytest

from entries.uci import check_character, is_valid_uci, propose_uci, uci_problem


@pytest.mark.parametrize(
    ("first_twelve", "check"),
    [
        # The worked examples JCQ's members publish with the algorithm.
        ("681990012058", "G"),
        ("689990980001", "D"),
    ],
)
def test_check_character_published_examples(first_twelve, check):
    assert check_character(first_twelve) == check


def test_check_character_weights_sixteen_down_to_five_modulo_seventeen():
    # 1×16 + 1×5 = 21; 21 mod 17 = 4 → the fifth letter of the table, E.
    assert check_character("100000000001") == "E"
    # 16 mod 17 = 16 → the last letter, Y.
    assert check_character("100000000000") == "Y"
    assert check_character("000000000000") == "A"


def test_check_character_letters_count_by_place_in_alphabet():
    # G = 7, B = 2: 7×16 + 2×15 = 142; 142 mod 17 = 6 → G.
    assert check_character("GB0000000000") == "G"


def test_propose_uci_centre_board_year_number_and_check():
    uci = propose_uci(centre_number="GB001", year=2026, candidate_number="0042")
    assert uci == "GB0010260042H"
    assert is_valid_uci(uci)


def test_uci_problem_never_names_the_check_character_that_would_fit():
    problem = uci_problem("GB0010260042A")
    assert problem == (
        "The UCI GB0010260042A fails its check: one of its characters is wrong. Copy it "
        "again from the candidate's earlier entry or results."
    )
    # A mistyped digit: the message must not offer the letter that would make it pass.
    mistyped = "GB0010260043H"
    assert uci_problem(mistyped) is not None
    assert check_character(mistyped[:12]) not in uci_problem(mistyped).split("wrong")[1]


@pytest.mark.parametrize(
    "bad", ["", "GB001026004H", "GB0010260042HH", "gb0010260042h", "GB001026X042H"]
)
def test_uci_problem_bad_layout(bad):
    assert uci_problem(bad) is not None
    assert not is_valid_uci(bad)


def test_uci_from_another_centre_is_valid():
    assert is_valid_uci(propose_uci(centre_number="PK002", year=2024, candidate_number="9999"))
    assert is_valid_uci("6819900120" + "58G")
