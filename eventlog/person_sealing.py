"""Sealing a person's reference under their own key (AES-256-GCM), and the digest that finds it.

Pure. A sealed reference is `v1:` + base64url(nonce + ciphertext), bound to the person's
pseudonym as associated data, so a sealed value copied onto another person does not open. The
digest is an HMAC of the reference under the tenant's pepper: the key store finds a person's
pseudonym by it without ever holding the reference itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_PREFIX = "v1:"
NONCE_BYTES = 12
KEY_BYTES = 32
PSEUDONYM_PREFIX = "pn-"


@dataclass(frozen=True, slots=True)
class Identity:
    """How one reference is recorded: its pseudonym and the reference sealed for this event."""

    person_id: str
    sealed: str


class UnsealableError(ValueError):
    """A sealed reference that this key cannot open (another person's, or altered)."""


def new_key() -> bytes:
    """A fresh random person key."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def new_pseudonym() -> str:
    """A fresh random pseudonym: what events record in place of the reference."""
    return PSEUDONYM_PREFIX + secrets.token_hex(16)


def new_pepper() -> bytes:
    """A tenant's random pepper for reference digests."""
    return secrets.token_bytes(KEY_BYTES)


def seal(key: bytes, person_id: str, ref: str) -> str:
    """`ref` encrypted under `key`, bound to `person_id`."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, ref.encode(), person_id.encode())
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(key: bytes, person_id: str, sealed: str) -> str:
    """The reference `sealed` holds, or UnsealableError."""
    if not sealed.startswith(SEALED_PREFIX):
        raise UnsealableError(f"not a sealed reference: {sealed[:8]!r}")
    try:
        raw = base64.urlsafe_b64decode(sealed.removeprefix(SEALED_PREFIX))
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], person_id.encode())
    except (ValueError, InvalidTag) as error:
        raise UnsealableError(f"the sealed reference of {person_id} does not open") from error
    return plain.decode()


def ref_digest(pepper: bytes, ref: str) -> str:
    """The key-store field that finds `ref`'s pseudonym."""
    return hmac.new(pepper, ref.encode(), hashlib.sha256).hexdigest()
