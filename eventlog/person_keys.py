"""Each person's key and pseudonym, kept in one Redis hash beside the streams, never in them.

Events name a person by a random pseudonym (`pn-…`); the reference an HR system uses is in the
log only sealed under that person's own key (eventlog.person_sealing). The hash
`{tenant}:recruitment.person-keys` holds, per person, `key:<pseudonym>` (the key) and
`ref:<digest>` (the pseudonym, found by an HMAC of the reference under the tenant's `pepper`).
Erasing a person deletes both: the log is untouched and every figure stays as it was, but no
one can read the reference again or find the pseudonym from it, and the same reference given
later is a new person. Creating is idempotent and race-safe (`HSETNX`): two writers meeting a
new reference at once agree on one pseudonym.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.streams import RECRUITMENT_PERSON_KEYS, stream_key
from eventlog.person_sealing import (
    Identity,
    UnsealableError,
    new_key,
    new_pepper,
    new_pseudonym,
    ref_digest,
    seal,
    unseal,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from redis.asyncio import Redis

PEPPER = "pepper"


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


class PersonKeys:
    """One tenant's person keys."""

    def __init__(self, redis: Redis, tenant: str) -> None:
        self.redis = redis
        self.key = stream_key(tenant, RECRUITMENT_PERSON_KEYS)

    async def _pepper(self, *, create: bool) -> bytes | None:
        if create:
            await self.redis.hsetnx(self.key, PEPPER, new_pepper())
        return _bytes(await self.redis.hget(self.key, PEPPER))

    async def pseudonyms(self, refs: Collection[str], *, create: bool) -> dict[str, str]:
        """Each reference's pseudonym (a new one for a new reference, if `create`)."""
        pepper = await self._pepper(create=create) if refs else None
        if pepper is None:
            return {}
        fields = {ref: f"ref:{ref_digest(pepper, ref)}" for ref in refs}
        if create:
            async with self.redis.pipeline(transaction=False) as pipe:
                for field in fields.values():
                    pipe.hsetnx(self.key, field, new_pseudonym())
                await pipe.execute()
        found = await self.redis.hmget(self.key, list(fields.values()))
        return {
            ref: text
            for ref, value in zip(fields, found, strict=True)
            if (text := _text(value)) is not None
        }

    async def identities(self, refs: Collection[str], *, create: bool) -> dict[str, Identity]:
        """Each reference's pseudonym with the reference sealed under the person's key."""
        pseudonyms = await self.pseudonyms(refs, create=create)
        fields = [f"key:{person_id}" for person_id in pseudonyms.values()]
        if create and fields:
            async with self.redis.pipeline(transaction=False) as pipe:
                for field in fields:
                    pipe.hsetnx(self.key, field, new_key())
                await pipe.execute()
        keys = await self.redis.hmget(self.key, fields) if fields else []
        return {
            ref: Identity(person_id, seal(key, person_id, ref))
            for (ref, person_id), value in zip(pseudonyms.items(), keys, strict=True)
            if (key := _bytes(value)) is not None
        }

    async def reveal(self, sealed: Mapping[str, str]) -> dict[str, str | None]:
        """Each pseudonym's reference, opened from its sealed value; None once erased."""
        if not sealed:
            return {}
        people = list(sealed)
        keys = await self.redis.hmget(self.key, [f"key:{person_id}" for person_id in people])
        revealed: dict[str, str | None] = {}
        for person_id, value in zip(people, keys, strict=True):
            key = _bytes(value)
            try:
                revealed[person_id] = unseal(key, person_id, sealed[person_id]) if key else None
            except UnsealableError:
                revealed[person_id] = None
        return revealed

    async def erase(self, ref: str) -> str | None:
        """Destroy the key of the person `ref` names; their pseudonym, or None if none is known."""
        person_id = (await self.pseudonyms([ref], create=False)).get(ref)
        if person_id is None:
            return None
        pepper = await self._pepper(create=False)
        assert pepper is not None
        await self.redis.hdel(self.key, f"ref:{ref_digest(pepper, ref)}", f"key:{person_id}")
        return person_id
