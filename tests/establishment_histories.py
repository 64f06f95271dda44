"""Random, mostly valid establishment histories, decided and recorded as establishment does (pure).

A history is a list of steps, each a few small numbers that `Owner.run` reads against the
establishment as it then stands: a change names a post that exists, on a date in its life, a
transfer a unit that exists then, a reporting line a post in force then, a retraction an event
already recorded; one step in eight is wild (any post, any date) and is mostly refused. The
owner decides each command with establishment's `decide`, folds what it decides into its own
projection provisionally and seals each batch as the store does (`seal_batch`, stored as
canonical JSON), as `eventlog.command_log.CommandLog` does; a refused command is skipped, as
the command path answers it with a refusal and records nothing. `Owner.transcript` says what
each step asked and got.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from hypothesis import strategies as st

from contracts.decisions import DomainError
from contracts.registry import command_from_message
from contracts.upcasting import current_version
from eventlog.clock import format_timestamp, parse_timestamp
from eventlog.event_log import seal_batch
from eventlog.hashchain import canonical_json
from eventlog.store import ChainHead, Draft
from readmodels.establishment import Establishment
from services.establishment.domain import decide

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from contracts.decisions import EventDraft
    from contracts.establishment import EstablishmentCommand
    from contracts.pay_catalogue import PayCatalogueView
    from readmodels.timeline import LogEntry

T = TypeVar("T")

DAYS = (
    "2017-03-01",
    "2017-04-01",
    "2017-04-02",
    "2017-10-01",
    "2018-04-01",
    "2018-04-02",
    "2019-04-01",
    "2020-01-01",
)
"""Effective dates a history uses: one before the catalogue, adjacent days, pay-award days."""

GRADES = ("PO3", "so1", "SO2", "B2", "Dir 60%", "dir 52.5%", "Dir 75%", "C3", "PO6", "ZZ9")
"""Grades as HR spells them: catalogue codes in any case, Director shares, one unknown."""

FTES = ("1", "0.5", "0.50", "0.8", "1.0", "18.5/37", "0.6", "30/37")
COSTS = ("38250.00", "52000.5", "0")
FUNDINGS: tuple[tuple[tuple[str, str], ...], ...] = (
    (),
    (("base", "1"),),
    (("grant-a", "0.6"), ("base", "0.4")),
    (("grant-b", "0.25"), ("grant-a", "0.75")),
)
SOURCES = ("base", "grant-a", "grant-b")
"""Every funding source `FUNDINGS` names."""

KINDS = (
    "post",
    "transfer",
    "report",
    "redesignate",
    "post",
    "unit",
    "fte",
    "fund",
    "delete",
    "retract",
    "evaluate",
    "transfer",
    "report",
    "post",
    "unit",
)
"""What a step asks for: posts three times as often as most changes; units and moves twice."""

GHOST_POST = "p-ghost"
GHOST_UNIT = "u-ghost"
"""A post and a unit no command creates: changes to them are refused."""

WIDE = 32
"""How many variants a step's target, choice and day each range over."""
TICKS = 8
"""What follows a step: 0-4 the same batch; 5 a new batch recorded at the same time, 6 a
microsecond later, 7 a day later."""
NEW_BATCH = 5
LATER = (timedelta(0), timedelta(microseconds=1), timedelta(days=1))
"""How much later than the last batch a new one is recorded, by `tick` - `NEW_BATCH`."""

WILD = 256 // WIDE - 1
"""A step whose choice byte is in its top eighth is wild."""

Step = tuple[int, int, int, int, int, bool]
"""(kind, target, choice, day, tick, wild): which command, on what, which variant, when, what
follows it (`TICKS`), and whether it ignores the establishment's state."""


def steps_of(drawn: bytes) -> list[Step]:
    """A history read from bytes, four a step (a trailing part step is dropped).

    Hypothesis draws one byte string far faster than many integers, and shrinks it towards
    fewer, smaller bytes: towards shorter histories of simpler steps.
    """
    return [
        (
            kind % len(KINDS),
            target % WIDE,
            choice % WIDE,
            day % WIDE,
            target // WIDE,
            choice // WIDE == WILD,
        )
        for kind, target, choice, day in zip(*[iter(drawn)] * 4, strict=False)
    ]


histories = st.integers(1, 32).flatmap(
    lambda size: st.binary(min_size=4 * size, max_size=4 * size).map(steps_of)
)
"""Histories of 1 to 32 commands, in batches; one step in eight is wild."""

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
"""Recorded time of the first batch."""


def batch_times(history: list[Step]) -> list[str]:
    """When each batch of `history` is recorded (if any command in it is accepted), in order."""
    now = START
    times = [format_timestamp(now)]
    for step in history:
        if step[4] >= NEW_BATCH:
            now += LATER[step[4] - NEW_BATCH]
            times.append(format_timestamp(now))
    return sorted(set(times))


def day_before(day: str) -> str:
    """The ISO date before `day`."""
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def choose(items: Sequence[T], index: int) -> T:
    """One of `items` (there must be some), chosen by a drawn index."""
    return items[index % len(items)]


def pick(items: Sequence[T], index: int) -> T | None:
    """One of `items`, chosen by a drawn index (None if there are none)."""
    return choose(items, index) if items else None


class Owner:
    """Establishment's command path without Redis: decide, fold provisionally, seal, store."""

    def __init__(self, catalogue: PayCatalogueView) -> None:
        self.catalogue = catalogue
        self.projection = Establishment()
        self.head = ChainHead.empty()
        self.stored: list[tuple[str, bytes]] = []
        """(entry id, raw body) as the store holds them, in stream order."""
        self.transcript: list[tuple[str, dict[str, Any]]] = []
        """What each step asked and its outcome (an event type, or the refusal's reason)."""
        self.post_ids: list[str] = []
        self.unit_ids: list[str] = []
        self.event_ids: list[str] = []
        self.dates: set[str] = set()
        """Every effective date in the log so far."""
        self.now = START
        self.batches = 0
        self.started = False
        self.position = 0
        """How many steps of the history have been decided."""
        self._drafts: list[Draft] = []
        self._folded: list[LogEntry] = []

    def run(
        self,
        history: list[Step],
        until: str | None = None,
        looked: Callable[[Owner], None] | None = None,
    ) -> Owner:
        """Decide the steps not yet decided, in batches, up to the first batch after `until`.

        Called again, it carries on where it stopped. `looked(owner)` is called after each batch
        is recorded, as a query would come.
        """
        while self._known(until):
            if not self.started:
                self.started = True
                self.submit(self._unit("u0", None, DAYS[0]))
            if self.position == len(history):
                self.seal()
                return self
            kind, target, choice, day, tick, wild = history[self.position]
            self.position += 1
            message = self.message(KINDS[kind], target, choice, day, wild=wild)
            if message is not None:
                self.submit(message)
            if tick >= NEW_BATCH:
                self.seal()
                if looked is not None:
                    looked(self)
                self.now += LATER[tick - NEW_BATCH]
        return self

    def _known(self, until: str | None) -> bool:
        """Whether the open batch would be recorded at or before `until` (None: no limit)."""
        return until is None or format_timestamp(self.now) <= until

    # --- reading a step against the establishment as it stands ---------------------------------

    def _posts_on(self, day: str, but: str | None = None) -> list[str]:
        return [
            post_id
            for post_id, timeline in self.projection.posts.items()
            if post_id != but and timeline.at(day) is not None
        ]

    def _units_on(self, day: str) -> list[str]:
        return [unit.org_unit_id for unit in self.projection.units_on(day)]

    def _life(self, post_id: str, day: int) -> str:
        """A date on which the post exists, back-dated or not (any date if it never does)."""
        created = self.projection.created_on(post_id)
        deleted = self.projection.deleted_on(post_id) or "9999-12-31"
        life = [each for each in DAYS if created is not None and created <= each < deleted]
        return pick(life, day) or choose(DAYS, day)

    def message(
        self, kind: str, target: int, choice: int, day: int, *, wild: bool
    ) -> dict[str, Any] | None:
        """The command a step asks for (None: nothing to ask it of)."""
        if kind == "unit":
            unit_id = f"u{len(self.unit_ids)}"
            on = choose(DAYS, day) if wild else choose(DAYS[1:], day)
            parents = [*self._units_on(on), None] if not wild else [*self.unit_ids, None]
            return self._unit(unit_id, pick(parents, target), on)
        if kind == "post":
            return self._new_post(target, choice, day, wild=wild)
        if kind == "retract":
            return {
                "type": "RetractEvent",
                "event_id": pick(self.event_ids, target) or "e-ghost",
                "reason": "recorded in error",
            }
        live = [post_id for post_id in self.projection.posts if self.projection.created_on(post_id)]
        post_id = pick([*self.post_ids, GHOST_POST] if wild else live, target)
        if post_id is None:
            return None
        on = choose(DAYS, day) if wild else self._life(post_id, day)
        body = self._change(kind, post_id, on, choice)
        return {**body, "post_id": post_id, "effective_date": on}

    def _unit(self, unit_id: str, parent_id: str | None, on: str) -> dict[str, Any]:
        self.unit_ids.append(unit_id)
        return {
            "type": "CreateOrgUnit",
            "org_unit_id": unit_id,
            "name": f"Unit {unit_id}",
            "parent_id": parent_id,
            "effective_date": on,
        }

    def _new_post(self, target: int, choice: int, day: int, *, wild: bool) -> dict[str, Any]:
        post_id = f"p{len(self.post_ids)}"
        self.post_ids.append(post_id)
        on = choose(DAYS, day) if wild else choose(DAYS[1:], day)
        units = [*self.unit_ids, GHOST_UNIT] if wild else self._units_on(on)
        managers = [*self._posts_on(on), None, None, None]
        return {
            "type": "CreatePost",
            "post_id": post_id,
            "title": f"Officer {choice}",
            "grade": choose(GRADES, choice) if wild else choose(GRADES[:-1], choice),
            "fte": choose(FTES, target),
            "org_unit_id": pick(units, target + choice) or GHOST_UNIT,
            "reports_to": pick(managers, target),
            "funding": _funding(choice // 4),
            "budgeted_annual_cost": choose(COSTS, choice) if choice % 5 == 0 else None,
            "effective_date": on,
        }

    def _change(self, kind: str, post_id: str, on: str, choice: int) -> dict[str, Any]:
        """The body of a change to `post_id` on `on` (the caller adds the post and the date)."""
        if kind == "redesignate":
            title = f"Officer {choice}" if choice & 1 or not choice & 6 else None
            grade = choose(GRADES[:-1], choice // 2) if choice & 2 else None
            cost = choose(COSTS, choice // 8) if choice & 4 else None
            return {"type": "RedesignatePost", "title": title, "grade": grade} | (
                {"budgeted_annual_cost": cost} if cost else {}
            )
        simple: dict[str, dict[str, Any]] = {
            "fte": {"type": "ChangePostFTE", "fte": choose(FTES, choice)},
            "fund": {"type": "ChangePostFunding", "funding": _funding(choice)},
            "delete": {"type": "DeletePost", "reason": "restructure" if choice & 1 else None},
        }
        if kind in simple:
            return simple[kind]
        state = self.projection.post(post_id, on)
        if kind == "transfer":
            units = [unit for unit in self._units_on(on) if state and unit != state.org_unit_id]
            return {"type": "TransferPost", "org_unit_id": pick(units, choice) or "u0"}
        if kind == "report":
            managers = [*self._posts_on(on, but=post_id), None]
            others = [post for post in managers if state is None or post != state.reports_to]
            return {"type": "ChangeReportingLine", "reports_to": pick(others, choice)}
        return {
            "type": "ApplyJobEvaluation",
            "grade": state.grade if state and choice & 1 else choose(GRADES, choice // 2),
            "total_points": 7 * choice,
            "evaluation_event_id": f"ev-{self.batches}-{choice}",
        }

    # --- the command path ------------------------------------------------------------------------

    def submit(self, message: dict[str, Any]) -> None:
        """Decide one command into the open batch, folding its events provisionally."""
        command = command_from_message(message)
        try:
            decided = decide(command, self.projection, self.catalogue)
        except DomainError as error:
            self.transcript.append((f"refused: {error.reason}", message))
            return
        for event in decided:
            body = self._body(command, event)
            self._drafts.append(
                Draft(
                    body=body,
                    aggregate_key=f"{event.aggregate_type}:{event.aggregate_id}",
                    expected_version=event.expected_version,
                )
            )
            provisional = {**body, "sequence": self.head.sequence + len(self._drafts)}
            self._folded.append(self.projection.apply(provisional))
        self.transcript.append((", ".join(event.type for event in decided), message))

    def _body(self, command: EstablishmentCommand, event: EventDraft) -> dict[str, Any]:
        """The envelope `CommandLog._body` gives a decided event, with a reproducible id."""
        number = self.head.sequence + len(self._drafts) + 1
        return {
            "event_id": str(UUID(int=number)),
            "type": event.type,
            "schema_version": current_version(event.type),
            "tenant": "agreement",
            "aggregate_type": event.aggregate_type,
            "aggregate_id": event.aggregate_id,
            "aggregate_version": event.expected_version + 1,
            "effective_date": event.effective_date,
            "actor": "property-test",
            "correlation_id": None,
            "causation_id": command.command_id,
            "payload": event.payload,
        }

    def seal(self) -> None:
        """Record the open batch in one append, as the store seals it; settle what was folded."""
        if not self._drafts:
            return
        self.batches += 1
        sealed = seal_batch(self._drafts, self.head, self.now)
        for offset, (body, folded) in enumerate(zip(sealed.bodies, self._folded, strict=True)):
            entry_id = f"{1_000 + self.batches}-{offset}"
            self.stored.append((entry_id, canonical_json(body)))
            self.event_ids.append(body["event_id"])
            self.dates.add(body["effective_date"])
            folded.entry_id = entry_id
        self.projection.entry_id = self.stored[-1][0]
        self.projection.recorded_at = sealed.stamp
        self.head = ChainHead(
            sequence=sealed.sequence,
            hash=sealed.hash,
            entry_id=self.stored[-1][0],
            recorded_at=parse_timestamp(sealed.stamp),
        )
        self.transcript.append((f"recorded at {sealed.stamp}", {}))
        self._drafts, self._folded = [], []


def _funding(choice: int) -> list[dict[str, str]]:
    return [{"source_id": source, "share": share} for source, share in choose(FUNDINGS, choice)]
