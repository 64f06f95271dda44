"""Org units from the paths posts sit at: every prefix of a path is a unit under its parent.

`Children and Families / Early Help / North` makes three units; the unit's id comes from its
path (`children-and-families.early-help.north`) and its name is the last segment as first
written. Paths are compared with spaces collapsed and case folded; if two different paths
would share an id (`Early Help` and `Early-Help`), each of them gets a hash of its path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from importing.identities import bounded, digest, key_text, unit_id

if TYPE_CHECKING:
    from collections.abc import Iterable

PathKey = tuple[str, ...]


def path_key(path: tuple[str, ...]) -> PathKey:
    """How two spellings of one path are compared."""
    return tuple(key_text(part) for part in path)


@dataclass(frozen=True, slots=True)
class Unit:
    """One org unit to create."""

    unit_id: str
    name: str
    parent: PathKey | None
    path: tuple[str, ...]
    """As first written."""

    @property
    def depth(self) -> int:
        """1 for a top-level unit."""
        return len(self.path)

    def shown(self) -> str:
        """The path as people write it."""
        return " / ".join(self.path)


class UnitTree:
    """Every unit the given paths need, with stable ids."""

    def __init__(self, paths: Iterable[tuple[str, ...]]) -> None:
        spelled: dict[PathKey, tuple[str, ...]] = {}
        for path in paths:
            for depth in range(1, len(path) + 1):
                spelled.setdefault(path_key(path[:depth]), path[:depth])
        ids = {key: unit_id(path) for key, path in spelled.items()}
        sharing: dict[str, list[PathKey]] = {}
        for key, found in ids.items():
            sharing.setdefault(found, []).append(key)
        for found, keys in sharing.items():
            if len(keys) > 1:
                for key in keys:
                    basis = "/".join(key)
                    ids[key] = bounded(f"{found}-{digest(basis, 6)}", basis)
        self._units = {
            key: Unit(ids[key], path[-1], key[:-1] or None, path) for key, path in spelled.items()
        }

    def unit(self, path: tuple[str, ...]) -> Unit:
        """The unit at `path` (which was among the paths given)."""
        return self._units[path_key(path)]

    def lineage(self, path: tuple[str, ...]) -> list[Unit]:
        """The unit at `path` and all above it, top first."""
        return [self.unit(path[:depth]) for depth in range(1, len(path) + 1)]
