"""Files as tables whose row numbers are the ones a person sees in a spreadsheet."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from importing.tables import TableError, cell_text, read_tables


def test_a_bom_is_dropped_and_a_quoted_line_break_stays_in_one_row(tmp_path: Path) -> None:
    """The header is row 1 even after a BOM; a cell over two lines does not shift the rows."""
    path = tmp_path / "posts.csv"
    path.write_bytes('\ufeffPost ID,Title\r\nP1,"Head of\r\nPolicy"\r\nP2,Officer\r\n'.encode())
    [found] = read_tables(path)
    assert found.rows == (
        (1, ("Post ID", "Title")),
        (2, ("P1", "Head of\r\nPolicy")),
        (3, ("P2", "Officer")),
    )


def test_blank_lines_keep_their_row_numbers(tmp_path: Path) -> None:
    """A blank line is a row in a spreadsheet too, so the rows after it keep their numbers."""
    path = tmp_path / "posts.csv"
    path.write_text("Post ID,Title\n\nP1,Officer\n,\n")
    [found] = read_tables(path)
    assert [number for number, _ in found.rows] == [1, 2, 3, 4]
    assert found.rows[2] == (3, ("P1", "Officer"))


def test_a_windows_1252_file_is_read_and_noted(tmp_path: Path) -> None:
    """A file Excel saved as Windows-1252 (a £ as one byte) is read, with a note saying so."""
    path = tmp_path / "junior.csv"
    path.write_bytes('Payscale Minimum (£)\n"£21,000"\n'.encode("cp1252"))
    [found] = read_tables(path)
    assert found.rows[1] == (2, ("£21,000",))
    assert found.notes == ("junior.csv is not UTF-8: read as Windows-1252",)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_the_delimiter_is_the_one_the_header_uses(tmp_path: Path, delimiter: str) -> None:
    """Semicolon and tab separated exports read as well as commas."""
    path = tmp_path / "posts.csv"
    path.write_text(f"Post ID{delimiter}Title{delimiter}FTE\nP1{delimiter}A, B{delimiter}1\n")
    [found] = read_tables(path)
    assert found.rows[1] == (2, ("P1", "A, B", "1"))


def test_every_sheet_of_a_workbook_is_a_table_with_its_own_row_numbers(tmp_path: Path) -> None:
    """Sheets come in order; blank rows stay; numbers and dates read as a person sees them."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["Exported by the HR system"])
    posts = book.create_sheet("Posts")
    posts.append(["Post ID", "FTE", "Hours", "From"])
    posts.append([])
    posts.append(["P1", 0.8, 37.0, datetime(2024, 3, 31, 9, 30, tzinfo=UTC).replace(tzinfo=None)])
    path = tmp_path / "posts.xlsx"
    book.save(path)
    notes, found = read_tables(path)
    assert (notes.sheet, found.sheet) == ("Notes", "Posts")
    assert found.rows == (
        (1, ("Post ID", "FTE", "Hours", "From")),
        (2, ("", "", "", "")),
        (3, ("P1", "0.8", "37", "2024-03-31")),
    )


def test_cells_read_as_their_shortest_decimal() -> None:
    """A float cell reads as its shortest decimal (0.3, not 0.29999...); 37.0 as 37."""
    assert cell_text(0.3) == "0.3"
    assert cell_text(37.0) == "37"
    assert cell_text(1e-05) == "0.00001"
    assert cell_text(None) == ""
    assert cell_text(value=True) == "TRUE"


def test_a_file_that_is_not_a_workbook_is_refused_clearly(tmp_path: Path) -> None:
    """A CSV named .xlsx is an error naming the file, not a traceback."""
    path = tmp_path / "posts.xlsx"
    path.write_text("Post ID\nP1\n")
    with pytest.raises(TableError, match=r"posts\.xlsx: cannot read it as an XLSX workbook"):
        read_tables(path)
