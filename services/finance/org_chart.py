"""The org chart of a tenant on a date, as Graphviz DOT (pure; `dot` renders it to SVG).

Finance draws it because it is the one service that knows everything the chart shows: the org
units and posts (establishment's stream), who is in post and who is at risk (recruitment's) and
what each unit costs (its own ledger). Each org unit is a box, nested as the units are, labelled
with its posts, FTE and annual cost, its sub-units' included; inside it its posts, linked by
reporting line, filled by state: vacant (nobody holds all its FTE), holder at risk (the post's
deletion is recorded and its holder placed at risk), or filled. Past `COLLAPSE_AT` posts a chart
of posts is unreadable, so each unit becomes one box with its counts instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import graphviz

from contracts.money import fte_text
from services.finance.costing import Policy
from services.finance.fiscal import fy_of
from services.finance.ledger import ledger

if TYPE_CHECKING:
    from readmodels.establishment import PostState
    from services.finance.books import Books

COLLAPSE_AT = 300
"""Above this many posts the chart shows one box per unit."""

FILLED, VACANT, AT_RISK = "#ffffff", "#fff3b0", "#f6b3b3"
LEGEND = (
    (FILLED, "filled"),
    (VACANT, "vacant (some FTE nobody holds)"),
    (AT_RISK, "holder at risk"),
)
FONT = "Helvetica"


@dataclass
class UnitFigures:
    """What one unit's box says."""

    name: str
    parent_id: str | None
    posts: list[str] = field(default_factory=list)
    fte: Decimal = Decimal(0)
    vacant: int = 0
    at_risk: int = 0
    cost: str = "0.00"
    children: int = 0
    total_posts: int = 0
    """With its sub-units' (as the label shows them); likewise the totals below."""
    total_fte: Decimal = Decimal(0)
    total_cost: Decimal = Decimal(0)
    total_vacant: int = 0
    total_at_risk: int = 0


def _state(books: Books, post_id: str, post: PostState, day: str) -> str:
    """The post's fill: at risk, vacant or filled."""
    staffing = books.staffing
    held = Decimal(0)
    for contract in staffing.contracts_of_post(post_id):
        if contract.covers(day, None):
            held += Decimal(contract.fte)
            if contract.contract_id in staffing.at_risk:
                return AT_RISK
    return VACANT if held < Decimal(post.fte) else FILLED


def _money(text: str) -> str:
    return f"£{Decimal(text):,.0f}"


def org_chart(books: Books, day: str, org_unit_id: str | None = None) -> str:
    """The DOT source of the chart on `day` (of `org_unit_id` and below, if given)."""
    establishment = books.establishment
    scope = establishment.units_under(org_unit_id, day) if org_unit_id else None
    units = {
        unit.org_unit_id: UnitFigures(unit.name, unit.parent_id)
        for unit in establishment.units_on(day)
        if scope is None or unit.org_unit_id in scope
    }
    costs = ledger(
        books, fy_of(day), as_of=day, group_by="org_unit", policy=Policy(), org_unit_id=org_unit_id
    )
    for row in costs["rows"]:
        if row["key"] in units:
            units[row["key"]].cost = row["annual_cost"]
    posts: dict[str, tuple[PostState, str]] = {}
    for post_id, timeline in establishment.posts.items():
        post = timeline.at(day)
        if post is None or post.org_unit_id not in units:
            continue
        state = _state(books, post_id, post, day)
        posts[post_id] = (post, state)
        figures = units[post.org_unit_id]
        figures.posts.append(post_id)
        figures.fte += Decimal(post.fte)
        figures.vacant += state == VACANT
        figures.at_risk += state == AT_RISK
    graph = graphviz.Digraph(
        "org", graph_attr={"rankdir": "LR", "fontname": FONT, "compound": "true", "ranksep": "0.4"}
    )
    graph.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="10")
    _roll_up(units)
    if len(posts) > COLLAPSE_AT:
        _collapsed(graph, units)
    else:
        _nested(graph, units, posts, None)
        for post_id, (post, _) in sorted(posts.items()):
            if post.reports_to in posts:
                graph.edge(post.reports_to, post_id)
    _legend(graph)
    return str(graph.source)


def _roll_up(units: dict[str, UnitFigures]) -> None:
    """Give each unit its sub-units' totals as well as its own (deepest first)."""
    depth: dict[str, int] = {}

    def level(unit_id: str) -> int:
        if unit_id not in depth:
            parent = units[unit_id].parent_id
            depth[unit_id] = 0 if parent not in units else level(str(parent)) + 1
        return depth[unit_id]

    for unit_id in sorted(units, key=level, reverse=True):
        figures = units[unit_id]
        parent = figures.parent_id
        figures.total_posts += len(figures.posts)
        figures.total_fte += figures.fte
        figures.total_cost += Decimal(figures.cost)
        figures.total_vacant += figures.vacant
        figures.total_at_risk += figures.at_risk
        if parent in units:
            above = units[str(parent)]
            above.total_posts += figures.total_posts
            above.total_fte += figures.total_fte
            above.total_cost += figures.total_cost
            above.total_vacant += figures.total_vacant
            above.total_at_risk += figures.total_at_risk
            above.children += 1


def _unit_label(figures: UnitFigures) -> str:
    return (
        f"{figures.name}\n{figures.total_posts} posts · {fte_text(figures.total_fte)} FTE · "
        f"{_money(str(figures.total_cost))} a year"
    )


def _nested(
    graph: graphviz.Digraph,
    units: dict[str, UnitFigures],
    posts: dict[str, tuple[PostState, str]],
    parent: str | None,
) -> None:
    """Each unit under `parent` as a cluster holding its posts and its own sub-units."""
    for unit_id, figures in sorted(units.items()):
        if figures.parent_id != parent and not (parent is None and figures.parent_id not in units):
            continue
        with graph.subgraph(name=f"cluster_{unit_id}") as cluster:
            cluster.attr(label=_unit_label(figures), style="rounded", fontname=FONT, fontsize="11")
            for post_id in sorted(figures.posts):
                post, state = posts[post_id]
                label = f"{post.title}\n{post.grade} · {fte_text(Decimal(post.fte))} FTE"
                cluster.node(post_id, label, fillcolor=state)
            if not figures.posts and not figures.children:
                cluster.node(f"{unit_id}__empty", "no posts", shape="plaintext", style="")
            _nested(cluster, units, posts, unit_id)


def _collapsed(graph: graphviz.Digraph, units: dict[str, UnitFigures]) -> None:
    """One box per unit with its counts, linked to the unit it sits under."""
    for unit_id, figures in sorted(units.items()):
        counts = f"{figures.total_vacant} vacant · {figures.total_at_risk} at risk"
        label = f"{_unit_label(figures)}\n{counts}"
        fill = AT_RISK if figures.total_at_risk else VACANT if figures.total_vacant else FILLED
        graph.node(unit_id, label, fillcolor=fill)
        if figures.parent_id in units:
            graph.edge(figures.parent_id, unit_id)


def _legend(graph: graphviz.Digraph) -> None:
    with graph.subgraph(name="cluster_legend") as legend:
        legend.attr(label="Legend", style="dashed", fontname=FONT)
        for colour, meaning in LEGEND:
            legend.node(f"legend_{meaning.split()[0]}", meaning, fillcolor=colour)
