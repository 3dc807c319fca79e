"""CSV cells that a spreadsheet would run as a formula (OWASP "CSV injection"): a cell a person typed that
starts with =, +, -, @, a tab or a carriage return is written with a leading apostrophe, which
spreadsheets read as "this is text". Every CSV meant to be opened by people writes its rows through here.

The audit export applies the same list (sandbox/audit/chain.py, standard library only, so the offline
verifier can undo it) and also prefixes cells that start with an apostrophe, so that the verifier gets
the stored text back exactly and the hash chain still verifies."""
import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class InertWriter:
    """csv.writer whose text cells cannot start a formula; numbers are written as they are."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, values):
        return self._writer.writerow([inert_cell(value) for value in values])
