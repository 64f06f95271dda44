"""A checkpoint: every stream's chain head at a moment, with the keys that signed them.

Saved by `estab checkpoint --out FILE` and kept away from Redis (an auditor's file, an archive's
manifest), it is what catches a log that went backwards: a stream that was trimmed, or lost its
last second of writes to a power cut, still verifies as a chain, but no longer reaches the head
the checkpoint recorded, or reaches it with another hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import orjson

from eventlog.head_signing import PublicKey

if TYPE_CHECKING:
    from pathlib import Path

FORMAT = "estab-checkpoint/v1"


@dataclass(frozen=True, slots=True)
class SavedHead:
    """One stream's head when the checkpoint was made."""

    sequence: int
    hash: str
    entry_id: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Heads by stream key, when they were read, and the public keys then in use."""

    made_at: str
    heads: dict[str, SavedHead]
    keys: list[PublicKey] = field(default_factory=list)

    def to_json(self) -> bytes:
        """The file's bytes."""
        body: dict[str, Any] = {
            "format": FORMAT,
            "made_at": self.made_at,
            "keys": [key.view() for key in self.keys],
            "streams": {
                stream: {"sequence": head.sequence, "hash": head.hash, "entry_id": head.entry_id}
                for stream, head in sorted(self.heads.items())
            },
        }
        return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"

    @classmethod
    def read(cls, path: Path) -> Checkpoint:
        """The checkpoint in `path`.

        Raises:
            ValueError: it is not a checkpoint file (the message says why).
        """
        try:
            body = orjson.loads(path.read_bytes())
            if body.get("format") != FORMAT:
                return _not_one(path, f"format is {body.get('format')!r}, not {FORMAT!r}")
            heads = {
                str(stream): SavedHead(
                    int(head["sequence"]), str(head["hash"]), str(head["entry_id"])
                )
                for stream, head in body["streams"].items()
            }
            keys = [PublicKey.of(view) for view in body.get("keys", [])]
        except (OSError, AttributeError, KeyError, TypeError, ValueError) as error:
            return _not_one(path, str(error))
        return cls(str(body.get("made_at", "")), heads, keys)


def _not_one(path: Path, why: str) -> NoReturn:
    raise ValueError(f"{path} is not a checkpoint: {why}")
