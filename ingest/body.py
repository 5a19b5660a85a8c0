"""Reading a request body under a size limit measured after decompression.

The body arrives in chunks; compressed chunks go through `zlib.decompressobj` with
`max_length`, so a decompression bomb (a gigabyte of zeros in a megabyte of gzip)
costs at most `limit + 1` bytes of memory and stops as soon as it passes the limit.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable

# Content-Encoding -> zlib wbits (gzip framing; zlib framing for "deflate")
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_IDENTITY = ("", "identity")


class TooLarge(ValueError):
    """The body, once decompressed, is larger than the limit."""


class UnsupportedEncoding(ValueError):
    """A Content-Encoding we do not decode."""


class BadEncoding(ValueError):
    """The body is not valid data of its Content-Encoding (corrupt or truncated)."""


def supported(encoding: str | None) -> bool:
    return _normalize(encoding) in _IDENTITY or _normalize(encoding) in _WBITS


async def read(chunks: AsyncIterable[bytes], encoding: str | None, limit: int) -> bytearray:
    """The whole body, decoded; raises TooLarge, UnsupportedEncoding or BadEncoding."""
    coding = _normalize(encoding)
    if coding in _IDENTITY:
        out = bytearray()
        async for chunk in chunks:
            if len(out) + len(chunk) > limit:
                raise TooLarge(f"request body is larger than {limit} bytes")
            out += chunk
        return out
    if coding not in _WBITS:
        raise UnsupportedEncoding(f"unsupported Content-Encoding {encoding!r} (use gzip or none)")
    inflater = _Inflater(_WBITS[coding], limit)
    async for chunk in chunks:
        inflater.feed(chunk)
    return inflater.finish()


def _normalize(encoding: str | None) -> str:
    return (encoding or "").strip().lower()


class _Inflater:
    """Incremental decompression that never produces more than `limit + 1` bytes."""

    def __init__(self, wbits: int, limit: int) -> None:
        self.wbits = wbits
        self.limit = limit
        self.out = bytearray()
        self.zobj = zlib.decompressobj(wbits)
        self.seen_input = False

    def feed(self, data: bytes) -> None:
        while data:
            self.seen_input = True
            if self.zobj.eof:  # a further gzip member follows
                self.zobj = zlib.decompressobj(self.wbits)
            try:
                # max_length is >= 1 here (0 would mean "unlimited")
                self.out += self.zobj.decompress(data, self.limit + 1 - len(self.out))
            except zlib.error as exc:
                raise BadEncoding(f"cannot decompress the request body: {exc}") from None
            if len(self.out) > self.limit:
                raise TooLarge(f"request body is over {self.limit} bytes after decompression")
            data = self.zobj.unused_data if self.zobj.eof else b""

    def finish(self) -> bytearray:
        if self.seen_input and not self.zobj.eof:
            raise BadEncoding("the compressed request body is truncated")
        return self.out
