"""CSV that staff open in a spreadsheet."""

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str | int | float:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote.

    Numbers stay numbers (a negative number is not a formula once written by csv)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value
