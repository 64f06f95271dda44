"""Stable ids for what an import creates, and the command ids that make re-running it a no-op.

Ids are derived from what the files say (a post reference, an org unit's path), never from a
row number or a name, so the same file imported again yields the same ids and the same command
ids, which every service answers as repeats. Every id is a valid `contracts` Identifier
(letters, digits and `._:-`, at most 64); a longer one keeps a readable head and a hash tail.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from uuid import NAMESPACE_URL, uuid5

IMPORT_COMMANDS = uuid5(NAMESPACE_URL, "urn:estab:import-command")
ID_MAX = 64
HASH_LENGTH = 10
PREFIX_MAX = 24
"""An organisation's prefix on its post ids is short, so the post reference stays readable."""

_VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def digest(basis: str, length: int = HASH_LENGTH) -> str:
    """A short, stable hash of `basis`."""
    return hashlib.sha256(basis.encode()).hexdigest()[:length]


def key_text(text: str) -> str:
    """How two spellings of one name are compared: spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()


def slug(text: str) -> str:
    """`Children and Families` -> `children-and-families` (accents dropped; `x` if none left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or "x"


def bounded(identifier: str, basis: str) -> str:
    """`identifier` if it fits in 64 characters, else its head and a hash of `basis`."""
    if len(identifier) <= ID_MAX:
        return identifier
    head = identifier[: ID_MAX - HASH_LENGTH - 1].rstrip("-._:")
    return f"{head}-{digest(basis)}"


def reference_part(reference: str) -> str:
    """A reference as written if it is a valid id part, else a slug and a hash of it.

    The hash keeps `AB 12` and `AB-12` apart.
    """
    written = " ".join(reference.split())
    if _VALID.match(written):
        return written
    return f"{slug(written)}-{digest(written, 6)}"


def organisation_prefix(organisation: str) -> str:
    """A short prefix for one organisation's post ids, so two organisations never clash."""
    name = slug(organisation)
    if len(name) <= PREFIX_MAX:
        return name
    return f"{name[: PREFIX_MAX - 7].rstrip('-')}-{digest(key_text(organisation), 6)}"


def unit_id(path: tuple[str, ...]) -> str:
    """The id of the org unit at `path`.

    `Children and Families / Early Help` is `children-and-families.early-help`.
    """
    joined = ".".join(slug(part) for part in path)
    return bounded(joined, "/".join(key_text(part) for part in path))


def post_id(prefix: str | None, reference: str) -> str:
    """A post's id from its reference (under an organisation's prefix, if any)."""
    part = reference_part(reference)
    joined = f"{prefix}.{part}" if prefix else part
    return bounded(joined, f"{prefix or ''}\n{' '.join(reference.split())}")


def command_id(tenant: str, identity: str) -> str:
    """The command id of one thing an import records in one tenant: a UUID derived from them."""
    return str(uuid5(IMPORT_COMMANDS, f"{tenant}\n{identity}"))
