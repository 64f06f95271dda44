"""What reading import files yields before planning: posts, pay bands and refused rows.

Posts are as the files state them; every refusal names the spreadsheet row it comes from.

Names of people are read only to be kept out: `PrivateNames` holds them so planning can refuse
any text that contains one and redact any message that would repeat one; it never shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from decimal import Decimal
    from fractions import Fraction


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """A row as a person sees it in a spreadsheet: the file's name and its row number there.

    The header row of a file that starts with it is row 1.
    """

    file: str
    row: int

    def __str__(self) -> str:
        return f"{self.file} row {self.row}"


def row_order(files: tuple[str, ...], source: Source) -> tuple[int, str, int]:
    """How rows are listed: by file in the order the files were given, then by row."""
    position = files.index(source.file) if source.file in files else len(files)
    return (position, source.file, source.row)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A row that is not imported, and why."""

    source: Source
    reason: str

    def view(self) -> dict[str, str | int]:
        """As `--json` lists it."""
        return {"file": self.source.file, "row": self.source.row, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Holder:
    """Someone in post: an opaque reference (never a name) and their share of the post's FTE."""

    person_ref: str
    fte: Fraction
    source: Source


@dataclass(frozen=True, slots=True)
class Manager:
    """The post a post reports to: its id if the files hold it, and the reference as written."""

    reference: str
    post_id: str | None


@dataclass(frozen=True, slots=True)
class FundingPart:
    """Part of a post's cost met by one funding source."""

    source_id: str
    share: Decimal


@dataclass(frozen=True, slots=True)
class PostLine:
    """One post to create, from one row (or the rows of a job share)."""

    post_id: str
    reference: str
    sources: tuple[Source, ...]
    title: str
    grade: str
    fte: Fraction
    unit_path: tuple[str, ...]
    manager: Manager | None = None
    funding: tuple[FundingPart, ...] = ()
    budgeted_annual_cost: Decimal | None = None
    holders: tuple[Holder, ...] = ()
    banded: bool = False
    """The files give pay bands for grades (organograms), so a missing grade says so."""


@dataclass(frozen=True, slots=True)
class Band:
    """A grade known only by its pay range in the files, budgeted at its ceiling."""

    grade: str
    low: Decimal | None
    high: Decimal
    sources: tuple[Source, ...]


class PrivateNames:
    """People's names seen in the files, kept only to keep them out of everything recorded.

    Its `repr` never shows a name, so it cannot leak through a log line or a traceback.
    """

    __slots__ = ("_names", "_pattern")

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names = frozenset(" ".join(name.split()) for name in names if name.strip())
        longest_first = sorted(self._names, key=len, reverse=True)
        alternatives = "|".join(
            r"\s+".join(re.escape(word) for word in name.split()) for name in longest_first
        )
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if self._names else None
        )

    def __repr__(self) -> str:
        return f"PrivateNames(<{len(self._names)} hidden>)"

    def __len__(self) -> int:
        return len(self._names)

    def found_in(self, text: str) -> bool:
        """Whether `text` contains any of the names (whole words, any case)."""
        return self._pattern is not None and self._pattern.search(text) is not None

    def redact(self, text: str) -> str:
        """`text` with every name replaced by `[name withheld]`."""
        if self._pattern is None:
            return text
        return self._pattern.sub("[name withheld]", text)

    def merged(self, other: PrivateNames) -> PrivateNames:
        """Both sets of names."""
        return PrivateNames(self._names | other._names)


@dataclass(frozen=True)
class Reading:
    """Everything read from the files: posts, pay bands, refused rows and notes."""

    posts: tuple[PostLine, ...] = ()
    bands: tuple[Band, ...] = ()
    refused: tuple[Refusal, ...] = ()
    refused_posts: Mapping[str, Source] = field(default_factory=dict)
    """Post ids whose rows were refused on reading: rows reporting to them are refused too."""
    notes: tuple[str, ...] = ()
    private: PrivateNames = field(default_factory=PrivateNames)
    files: tuple[str, ...] = ()
    """The files' names in the order given, which is the order rows are reported in."""

    def joined(self, other: Reading) -> Reading:
        """This reading and another one (of more files)."""
        return Reading(
            posts=self.posts + other.posts,
            bands=self.bands + other.bands,
            refused=self.refused + other.refused,
            refused_posts={**other.refused_posts, **self.refused_posts},
            notes=self.notes + other.notes,
            private=self.private.merged(other.private),
            files=self.files + other.files,
        )
