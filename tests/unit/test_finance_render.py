"""`estab ledger` shows what finance could not price, from the ledger's own answer (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from finance_council import Council
from rich.console import Console
from seed_000 import BASIS

from cli.render import ledger_table
from cli.view_printing import print_unpriced
from services.finance.costing import Policy
from services.finance.ledger import ledger


def _unpriced_ledger() -> dict[str, Any]:
    """A ledger with one post on a grade defined only from next year, grouped by funding."""
    council = Council()
    for command in BASIS:
        council.run(command)
    council.run(
        {
            "type": "DefineGrade",
            "grade": "Band 5",
            "salary_max": "25000",
            "effective_date": "2019-04-01",
        }
    )
    council.establishment.apply(
        {
            "event_id": "e-post",
            "type": "PostCreated",
            "schema_version": 2,
            "aggregate_type": "post",
            "aggregate_id": "p",
            "aggregate_version": 1,
            "sequence": 1,
            "effective_date": "2018-04-01",
            "recorded_at": "2026-01-01T00:00:00.000001Z",
            "payload": {
                "post_id": "p",
                "title": "Nurse",
                "grade": "Band 5",
                "fte": "1",
                "org_unit_id": "u",
            },
        }
    )
    return ledger(council.books, 2018, as_of="2018-06-01", group_by="funding", policy=Policy())


def test_the_ledger_table_caption_says_what_the_totals_leave_out() -> None:
    """By funding, the caption says shared posts count once and how many posts are unpriced."""
    view = _unpriced_ledger()
    console = Console(record=True, width=200)
    console.print(ledger_table(view))
    text = console.export_text()
    assert "once in total" in text
    assert "1 post(s) not priced" in text


def test_the_cli_warns_with_the_count_and_the_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's warning reads the ledger's `unpriced` and its estimated annual cost."""
    view = _unpriced_ledger()
    print_unpriced(view)
    warning = " ".join(capsys.readouterr().err.split())
    assert "1 post(s) could not be priced" in warning
    assert f"about {view['unpriced_totals']['estimated_annual_cost']} a year" in warning
    assert "p:" in warning
