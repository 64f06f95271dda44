"""One read model per stream, owned by the service that writes it, shared by all who follow it.

Pure Python over typed frozen states: no Redis, HTTP or asyncio. A service folds its own stream
with its model to decide; a service that follows another's stream folds it with the same model,
so every reader sees the same facts in the same shape.
"""
