"""How a projection becomes a signed snapshot and back: its schema, the pickling, the MAC.

No Redis here (`eventlog.snapshots` stores what this makes). A snapshot is a JSON header (the
projection's `Schema` and the chain head it was taken at), a body (the projection pickled, then
zlib-compressed) and an HMAC-SHA256 over both. Unpickling runs code, so `decode` refuses a body
whose MAC does not verify before it is unpickled.

Schema versions: a projection class may define `SNAPSHOT_VERSION: int` (missing means 1). Bump it
whenever the state it holds changes shape or meaning: a field added, removed or renamed in it or
in any class it holds, or a fold that now computes something else. As a backstop for a forgotten
bump, the schema also carries `code`, a digest of the source of the class's module and of every
project module it draws on (its read model, timeline, upcasters...) and of this module; a snapshot
whose version or code differs from the running one is ignored.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import hmac
import io
import pickle
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import orjson

from eventlog.clock import format_timestamp, parse_timestamp
from eventlog.store import ChainHead

COMPRESSION = 1
"""zlib level: about 4x smaller than the pickle at a fraction of the cost of higher levels."""
PROJECT_PACKAGES = frozenset({"contracts", "readmodels", "eventlog", "services"})
"""Packages whose modules' source counts towards a projection's `code` digest."""

T = TypeVar("T")


class SnapshotRefusedError(ValueError):
    """A stored snapshot that must not be loaded; the message says why."""


@dataclass(frozen=True, slots=True)
class Schema:
    """What a snapshot's state must have been made by to be loaded into this code."""

    kind: str
    version: int
    code: str

    @classmethod
    def of(cls, kind: type[Any]) -> Schema:
        """The running code's schema for projections of class `kind`."""
        version = int(getattr(kind, "SNAPSHOT_VERSION", 1))
        return cls(kind_name(kind), version, code_digest(kind.__module__))

    def mismatch(self, header: dict[str, Any]) -> str | None:
        """Why a snapshot with `header` was not made by this schema (None: it was)."""
        if header.get("kind") != self.kind:
            return f"it holds a {header.get('kind')}, not a {self.kind}"
        if header.get("version") != self.version:
            return f"its schema version is {header.get('version')}, this code's is {self.version}"
        if header.get("code") != self.code:
            return "the read model's code changed since it was taken"
        return None


def kind_name(kind: type[Any]) -> str:
    """A projection class's importable name, e.g. `readmodels.establishment.Establishment`."""
    return f"{kind.__module__}.{kind.__qualname__}"


@cache
def code_digest(module_name: str) -> str:
    """SHA-256 over the source of a projection class's module and every project module it draws on.

    "Draws on" is followed through module globals (imported modules, classes and functions), so
    a change to a fold, a state class or an upcaster gives another digest; this module counts
    too, so a change to how snapshots are encoded does.
    """
    seen: set[str] = set()
    pending = [module_name, __name__]
    while pending:
        name = pending.pop()
        module = sys.modules.get(name)
        if name in seen or module is None:
            continue
        seen.add(name)
        pending.extend(_drawn_on(module))
    digest = hashlib.sha256()
    for name in sorted(seen):
        origin = getattr(sys.modules[name], "__file__", None)
        digest.update(name.encode() + b"\0")
        if origin is not None:
            digest.update(Path(origin).read_bytes())
    return digest.hexdigest()


def _drawn_on(module: ModuleType) -> list[str]:
    """The project modules `module`'s globals come from."""
    names = []
    for value in vars(module).values():
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", "")
        if isinstance(name, str) and name.partition(".")[0] in PROJECT_PACKAGES:
            names.append(name)
    return names


Reduce = Callable[[Any], tuple[Any, ...]]
"""How one object is pickled: `(callable, args)`, unpickled as `callable(*args)`."""

_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}
_REDUCERS: dict[type[Any], Reduce | None] = {}
"""Per class seen while pickling or loading, worked out once (classes are few, objects many)."""


def _field_names(kind: type[Any]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return names


def _thaw(kind: type[T], values: tuple[Any, ...]) -> T:
    """Rebuild a frozen slotted dataclass as `dataclasses`' own `__setstate__` would."""
    made: T = object.__new__(kind)
    for name, value in zip(_field_names(kind), values, strict=True):
        object.__setattr__(made, name, value)
    return made


_DATACLASS_STATE = frozenset({"_dataclass_getstate", "_dataclass_setstate"})
"""What `dataclasses` names the `__getstate__`/`__setstate__` it gives frozen slotted classes."""


def _reducer(kind: type[Any]) -> Reduce | None:
    """How to pickle a `kind`, if it is a frozen slotted dataclass pickled the `dataclasses` way."""
    if kind not in _REDUCERS:
        _REDUCERS[kind] = _frozen_reducer(kind)
    return _REDUCERS[kind]


def _frozen_reducer(kind: type[Any]) -> Reduce | None:
    params = getattr(kind, "__dataclass_params__", None)
    if params is None or not params.frozen or getattr(kind, "__new__", None) is not object.__new__:
        return None
    methods = {
        getattr(getattr(kind, "__getstate__", None), "__name__", ""),
        getattr(getattr(kind, "__setstate__", None), "__name__", ""),
    }
    if methods != _DATACLASS_STATE:
        return None
    read = _reader(_field_names(kind))
    if _built_by_init(kind):
        return lambda obj: (kind, read(obj))
    return lambda obj: (_thaw, (kind, read(obj)))


def _reader(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """Reads the named attributes of an object as a tuple (`attrgetter` does, from two names)."""
    if len(names) > 1:
        return attrgetter(*names)

    def read(obj: Any) -> tuple[Any, ...]:
        return tuple(getattr(obj, name) for name in names)

    return read


def _built_by_init(kind: type[Any]) -> bool:
    """Whether `kind(*field values)` rebuilds a `kind` exactly.

    So it does if its `__init__` is the one `dataclasses` wrote (not the class author's), taking
    every field positionally and doing nothing more.
    """
    init = vars(kind).get("__init__")
    fields = dataclasses.fields(kind)
    return (
        getattr(getattr(init, "__code__", None), "co_filename", "") == "<string>"
        and not hasattr(kind, "__post_init__")
        and len(kind.__dataclass_fields__) == len(fields)
        and all(field.init and not field.kw_only for field in fields)
    )


class _Pickler(pickle.Pickler):
    """Pickles frozen slotted dataclasses as their class and field values.

    The same state `dataclasses` pickles, without its per-object `fields()` walk, rebuilt by the
    generated `__init__` where that is exactly equivalent (`_thaw` otherwise): loading a large
    read model's snapshot takes about 40% less time, and the pickling thread hands the event loop
    the GIL between objects.
    """

    def reducer_override(self, obj: Any) -> Any:
        reduce = _reducer(type(obj))
        return NotImplemented if reduce is None else reduce(obj)


def dumps(projection: object) -> bytes:
    """The projection pickled, with the cyclic GC paused (pickling allocates millions)."""
    out = io.BytesIO()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(projection)
    finally:
        if was_enabled:
            gc.enable()
    return out.getvalue()


def _mac(secret: bytes, header: bytes, body: bytes) -> bytes:
    signer = hmac.new(secret, len(header).to_bytes(8, "big"), hashlib.sha256)
    signer.update(header)
    signer.update(body)
    return signer.digest()


def seal(secret: bytes, kind: type[Any], head: ChainHead, pickled: bytes) -> dict[str, bytes]:
    """The fields a snapshot is stored as: `header`, compressed `body` and their `mac`."""
    schema = Schema.of(kind)
    recorded_at = format_timestamp(head.recorded_at) if head.recorded_at else None
    header = orjson.dumps(
        {
            "kind": schema.kind,
            "version": schema.version,
            "code": schema.code,
            "head": {
                "sequence": head.sequence,
                "hash": head.hash,
                "entry_id": head.entry_id,
                "recorded_at": recorded_at,
            },
        }
    )
    body = zlib.compress(pickled, COMPRESSION)
    return {"header": header, "body": body, "mac": _mac(secret, header, body)}


def opened(secret: bytes, kind: type[Any], header: bytes, body: bytes, mac: bytes) -> ChainHead:
    """The head a stored snapshot was taken at, once its MAC and schema are checked.

    Raises:
        SnapshotRefusedError: the MAC does not verify, or another schema made it.
    """
    if not hmac.compare_digest(mac, _mac(secret, header, body)):
        raise SnapshotRefusedError("its signature does not verify with this ESTAB_SNAPSHOT_KEY")
    fields = header_fields(header)
    reason = Schema.of(kind).mismatch(fields)
    if reason:
        raise SnapshotRefusedError(reason)
    try:
        head = fields["head"]
        return ChainHead(
            sequence=int(head["sequence"]),
            hash=str(head["hash"]),
            entry_id=str(head["entry_id"]),
            recorded_at=parse_timestamp(head["recorded_at"]) if head["recorded_at"] else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise SnapshotRefusedError(f"its header names no head: {error!r}") from error


def header_fields(header: bytes) -> dict[str, Any]:
    """A snapshot header's fields ({} if it is not a JSON object: it then matches no schema)."""
    try:
        fields = orjson.loads(header)
    except orjson.JSONDecodeError:
        return {}
    return fields if isinstance(fields, dict) else {}


def decode(kind: type[T], head: ChainHead, body: bytes) -> T:
    """The projection in an opened snapshot's body, the GC paused meanwhile, then frozen.

    Call only with a body `opened` has verified.

    Raises:
        SnapshotRefusedError: it does not load, or is not a `kind` at `head`.
    """
    gc.disable()
    try:
        projection = pickle.loads(zlib.decompress(body))  # noqa: S301 - its MAC was verified
    except Exception as error:
        raise SnapshotRefusedError(f"it does not load: {error!r}") from error
    finally:
        gc.enable()
        gc.freeze()
    if type(projection) is not kind or getattr(projection, "entry_id", None) != head.entry_id:
        raise SnapshotRefusedError(f"it holds a {type(projection).__name__} not at its own head")
    return projection
