"""Request bodies in every Content-Encoding: decoded in pieces, bombs and corrupt data refused."""

from __future__ import annotations

import gzip
import os
import zlib

import cramjam
import lz4.frame
import pytest

from ingest import body

try:
    from compression import zstd
except ImportError:
    from backports import zstd

DATA = os.urandom(3000) + bytes(200_000) + b"otlp" * 5000
LIMIT = 1 << 20

COMPRESS = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "zlib": zlib.compress,
    "zstd": zstd.compress,
    "lz4": lz4.frame.compress,
    "snappy": lambda data: bytes(cramjam.snappy.compress_raw(data)),
    "x-snappy-framed": lambda data: bytes(cramjam.snappy.compress(data)),
}


async def pieces(data: bytes, size: int):
    for at in range(0, len(data), size):
        yield data[at:at + size]


async def read(data: bytes, encoding: str | None, size: int = 65536, limit: int = LIMIT):
    return await body.read(pieces(data, size), encoding, limit)


async def test_every_encoding_of_the_collector_is_supported():
    assert set(COMPRESS) == set(body.ENCODINGS)  # each read back by the round trip below
    for encoding in (None, "", "identity"):
        assert await read(b"otlp", encoding) == b"otlp"
    assert await read(gzip.compress(b"otlp"), " GZIP ") == b"otlp"
    with pytest.raises(body.UnsupportedEncoding):
        await read(b"otlp", "br")


@pytest.mark.parametrize("encoding", COMPRESS)
@pytest.mark.parametrize("size", [1, 1000, 1 << 20])
async def test_round_trip_in_pieces_of_any_size(encoding, size):
    data = DATA if size > 1 else DATA[:20_000]
    assert await read(COMPRESS[encoding](data), encoding, size) == data
    assert await read(b"", encoding) == b""


@pytest.mark.parametrize("encoding", ["gzip", "zstd", "lz4"])
async def test_concatenated_members_or_frames(encoding):
    twice = COMPRESS[encoding](DATA) + COMPRESS[encoding](b"tail")
    assert await read(twice, encoding, 777) == DATA + b"tail"


async def test_snappy_framing_format_is_detected_under_the_name_snappy():
    framed = COMPRESS["x-snappy-framed"](DATA)
    for size in (3, 5000):
        assert await read(framed, "snappy", size) == DATA


@pytest.mark.parametrize("encoding", COMPRESS)
async def test_a_bomb_stops_at_the_limit(encoding):
    bomb = COMPRESS[encoding](bytes(64 * LIMIT))
    with pytest.raises(body.TooLarge):
        await read(bomb, encoding)
    with pytest.raises(body.TooLarge):  # one byte over
        await read(COMPRESS[encoding](bytes(LIMIT + 1)), encoding)
    assert len(await read(COMPRESS[encoding](bytes(LIMIT)), encoding)) == LIMIT


@pytest.mark.parametrize("encoding", COMPRESS)
async def test_corrupt_or_truncated_is_bad_encoding(encoding):
    good = COMPRESS[encoding](DATA)
    for bad in (good[: len(good) // 2], b"not compressed at all, not at all", good[:-1]):
        with pytest.raises(body.BadEncoding):
            await read(bad, encoding, 4096)


async def test_snappy_frame_checksum_is_verified():
    framed = bytearray(COMPRESS["x-snappy-framed"](DATA))
    framed[len(body.snappy.STREAM_IDENTIFIER) + 4] ^= 0xFF  # first byte of the CRC
    with pytest.raises(body.BadEncoding):
        await read(bytes(framed), "x-snappy-framed")


async def test_unknown_encoding_and_identity():
    with pytest.raises(body.UnsupportedEncoding):
        await read(b"x", "br")
    assert await read(DATA, "identity", 999) == DATA
    with pytest.raises(body.TooLarge):
        await read(bytes(LIMIT + 1), None)
