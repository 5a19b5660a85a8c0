"""Reading a request body under a size limit measured after decompression.

The body arrives in chunks and is decompressed as it comes, never producing more than
`limit + 1` bytes, so a decompression bomb (a gigabyte of zeros in a megabyte of gzip)
costs about the limit in memory and stops as soon as it passes it.

Content-Encodings are those the OpenTelemetry Collector's HTTP receivers accept: gzip
(x-gzip), deflate and zlib (zlib framing), zstd, lz4 (frame format), snappy (the block
format, or the framing format when the body starts with its stream identifier, as the
Collector detects it) and x-snappy-framed. gzip, zstd and lz4 bodies may be several
concatenated members or frames.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Callable
from typing import Any

import lz4.frame

from ingest import snappy

try:
    from compression import zstd  # Python >= 3.14
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd

_IDENTITY = ("", "identity", "none")

# Content-Encoding -> a new decompressor with zlib's interface: decompress(data,
# max_length), eof, unused_data (one object per gzip member / zstd or lz4 frame)
_STREAMS: dict[str, Callable[[], Any]] = {
    "gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "deflate": lambda: zlib.decompressobj(zlib.MAX_WBITS),
    "zlib": lambda: zlib.decompressobj(zlib.MAX_WBITS),
    "zstd": zstd.ZstdDecompressor,
    "lz4": lz4.frame.LZ4FrameDecompressor,
}
_SNAPPY = {"snappy": snappy.Auto, "x-snappy-framed": snappy.Framed}
ENCODINGS = (*_STREAMS, *_SNAPPY)
# what the decompressors raise for corrupt data (lz4 raises RuntimeError)
_CORRUPT = (zlib.error, zstd.ZstdError, RuntimeError, snappy.Error)


TooLarge = snappy.TooLarge  # the body, once decompressed, is larger than the limit


class UnsupportedEncoding(ValueError):
    """A Content-Encoding we do not decode."""


class BadEncoding(ValueError):
    """The body is not valid data of its Content-Encoding (corrupt or truncated)."""


async def read(chunks: AsyncIterable[bytes], encoding: str | None, limit: int,
               hold: Callable[[int], None] = lambda size: None) -> bytearray:
    """The whole body, decoded; raises TooLarge, UnsupportedEncoding or BadEncoding.

    `hold(n)` is called whenever the bytes held for the body grow by n (it may raise to
    stop reading: see `ingest/admission.py`).
    """
    coding = _normalize(encoding)
    if coding in _IDENTITY:
        decoder: _Identity | _Inflater | snappy.Auto | snappy.Framed = _Identity(limit)
    elif coding in _STREAMS:
        decoder = _Inflater(_STREAMS[coding], limit)
    elif coding in _SNAPPY:
        decoder = _SNAPPY[coding](limit)
    else:
        raise UnsupportedEncoding(f"unsupported Content-Encoding {encoding!r} "
                                  f"(use one of {', '.join(ENCODINGS)} or none)")
    held = 0
    try:
        async for chunk in chunks:
            decoder.feed(chunk)
            if decoder.held > held:
                hold(decoder.held - held)
                held = decoder.held
        out = decoder.finish()
        if len(out) > held:
            hold(len(out) - held)
        return out
    except _CORRUPT as exc:
        raise BadEncoding(f"cannot decompress the request body ({coding}): {exc}") from None


def _normalize(encoding: str | None) -> str:
    return (encoding or "").strip().lower()


class _Identity:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.out = bytearray()

    @property
    def held(self) -> int:
        return len(self.out)

    def feed(self, data: bytes) -> None:
        if len(self.out) + len(data) > self.limit:
            raise TooLarge(f"request body is larger than {self.limit} bytes")
        self.out += data

    def finish(self) -> bytearray:
        return self.out


class _Inflater:
    """Incremental decompression that never produces more than `limit + 1` bytes."""

    def __init__(self, new: Callable[[], Any], limit: int) -> None:
        self.new = new
        self.limit = limit
        self.out = bytearray()
        self.stream = new()
        self.seen_input = False

    @property
    def held(self) -> int:
        return len(self.out)

    def feed(self, data: bytes) -> None:
        while data:
            self.seen_input = True
            if self.stream.eof:  # a further gzip member (zstd, lz4 frame) follows
                self.stream = self.new()
            # max_length is >= 1 here (0 would mean "unlimited" to zlib); when the output
            # stops short of it, the decompressor has taken all of `data`
            self.out += self.stream.decompress(data, self.limit + 1 - len(self.out))
            if len(self.out) > self.limit:
                raise TooLarge.over(self.limit)
            data = self.stream.unused_data if self.stream.eof else b""

    def finish(self) -> bytearray:
        if self.seen_input and not self.stream.eof:
            raise BadEncoding("the compressed request body is truncated")
        return self.out
