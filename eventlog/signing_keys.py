"""Each service's Ed25519 head-signing key, on disk, and the one this process signs with.

`estab up` makes `DATA_DIR/keys/SERVICE.key` (PKCS#8 PEM, mode 0600) and beside it
`SERVICE.pub.json` (the public key as `GET /keys` serves it) once, and names the private file in
`ESTAB_SIGNING_KEY_FILE`; a deployment mounts it as a secret. A service with the variable set
signs every head it appends (eventlog.head_signing); the key never goes to Redis. `estab verify`
trusts the `*.pub.json` files of the data directory (or those given to it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from eventlog.head_signing import HeadSigner, PublicKey

if TYPE_CHECKING:
    from pathlib import Path

SIGNING_KEY_ENV = "ESTAB_SIGNING_KEY_FILE"
KEYS_FOLDER = "keys"
PUBLIC_SUFFIX = ".pub.json"


class SigningKeyError(ValueError):
    """A signing or public key file is missing or is not one; the message says which."""


def load_signer(path: Path, service: str) -> HeadSigner:
    """The signer whose private key is in `path`."""
    try:
        private = load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(f"no signing key at {path}") from None
    except ValueError as error:
        raise SigningKeyError(f"{path} is not a PEM private key: {error}") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key")
    return HeadSigner(service, private)


def ensure_signing_key(folder: Path, service: str) -> Path:
    """`folder/SERVICE.key` (made, with its public file, unless it exists); its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{service}.key"
    try:
        made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        signer = load_signer(path, service)
    else:
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        with os.fdopen(made, "wb") as out:
            out.write(pem)
        signer = HeadSigner(service, private)
    public = folder / f"{service}{PUBLIC_SUFFIX}"
    public.write_bytes(orjson.dumps(signer.public.view(), option=orjson.OPT_INDENT_2) + b"\n")
    return path


def public_keys_in(folder: Path) -> list[PublicKey]:
    """Every `*.pub.json` key in `folder` (none if it does not exist)."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"*{PUBLIC_SUFFIX}")):
        try:
            found.append(PublicKey.of(orjson.loads(path.read_bytes())))
        except (orjson.JSONDecodeError, KeyError, ValueError) as error:
            raise SigningKeyError(f"{path} is not a public key: {error}") from None
    return found


_process: list[HeadSigner] = []
"""The signer of the service this process runs, set by its lifespan (at most one)."""


def use_signer(signer: HeadSigner | None) -> None:
    """Sign every append this process makes from now on with `signer` (None: stop signing)."""
    _process.clear()
    if signer is not None:
        _process.append(signer)


def process_signer() -> HeadSigner | None:
    """The signer set by `use_signer`, if any."""
    return _process[0] if _process else None
