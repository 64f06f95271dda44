"""Signed chain heads: what makes a re-sealed stream fail verification.

The hash chain alone proves only that a stream is internally consistent: anyone who can write to
Redis can edit an event and recompute every later hash. So each append also signs the new chain
head, (stream key, sequence, hash), with the owning service's Ed25519 key, which lives in the data
directory or a mounted secret and never in Redis; the signature rides on the batch's last entry
(field `__head_signature__`, as `key_id:base64`). Verification with the public keys then fails
for any edit, however well re-sealed: the signed heads after it no longer match. (Losing entries
from the end leaves an older, validly signed head: a checkpoint of heads catches that.)

Pure, apart from the `cryptography` primitives: no files, no Redis.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

if TYPE_CHECKING:
    from collections.abc import Iterable

SIGNATURE_FIELD = b"__head_signature__"
"""The stream-entry field holding the signature of the head the entry ends."""
ALGORITHM = "Ed25519"


def head_message(stream: str, sequence: int, head_hash: str) -> bytes:
    """The bytes signed for a head: bound to the stream, so a signature cannot be moved."""
    return f"estab-chain-head/v1\n{stream}\n{sequence}\n{head_hash}".encode()


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PublicKey:
    """One service's verifying key, as served at `GET /keys` and carried in checkpoints."""

    service: str
    key_id: str
    public_key: str
    """Raw Ed25519 public key, base64."""

    def view(self) -> dict[str, str]:
        """The JSON shape."""
        return {
            "service": self.service,
            "key_id": self.key_id,
            "algorithm": ALGORITHM,
            "public_key": self.public_key,
        }

    @classmethod
    def of(cls, view: dict[str, str]) -> PublicKey:
        """From the JSON shape (`view`).

        Raises:
            ValueError: not an Ed25519 key, or its id is not the key's.
        """
        if view.get("algorithm", ALGORITHM) != ALGORITHM:
            raise ValueError(f"not an {ALGORITHM} key: {view.get('algorithm')!r}")
        key = cls(str(view["service"]), str(view["key_id"]), str(view["public_key"]))
        if _key_id(key.verifier()) != key.key_id:
            raise ValueError(f"key {key.key_id!r} of {key.service!r}: the id is not the key's")
        return key

    def verifier(self) -> Ed25519PublicKey:
        """The key itself."""
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))


class HeadSigner:
    """Signs the heads one service appends."""

    def __init__(self, service: str, private: Ed25519PrivateKey) -> None:
        self._private = private
        public = private.public_key()
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = PublicKey(service, _key_id(public), base64.b64encode(raw).decode())

    def sign(self, stream: str, sequence: int, head_hash: str) -> str:
        """`key_id:signature` of the head."""
        signature = self._private.sign(head_message(stream, sequence, head_hash))
        return f"{self.public.key_id}:{base64.b64encode(signature).decode()}"


def owner_of(stream: str) -> str:
    """The service that appends to a stream key (`{tenant}:finance.events` -> finance).

    The tenant registry (`tenants.events`) is establishment's.
    """
    name = stream.rsplit(":", 1)[-1]
    service = name.split(".", 1)[0]
    return "establishment" if service == "tenants" else service


class TrustedKeys:
    """The public keys an auditor trusts, by id."""

    def __init__(self, keys: Iterable[PublicKey]) -> None:
        self.keys = {key.key_id: key for key in keys}

    def __bool__(self) -> bool:
        return bool(self.keys)

    def problem(self, stream: str, sequence: int, head_hash: str, signature: str) -> str | None:
        """Why `signature` does not sign this head for the stream's owner (None: it does)."""
        key_id, _, encoded = signature.partition(":")
        key = self.keys.get(key_id)
        if key is None:
            return f"signed by key {key_id!r}, which is not a trusted key"
        owner = owner_of(stream)
        if key.service != owner:
            return f"signed by {key.service}'s key, but the stream is {owner}'s"
        try:
            key.verifier().verify(
                base64.b64decode(encoded, validate=True), head_message(stream, sequence, head_hash)
            )
        except (InvalidSignature, ValueError):
            return "the head signature does not match: the stream was edited and re-sealed"
        return None
