"""Snappy request bodies, decompressed under a size limit (cramjam does the decoding).

Two formats share the name. The block format (Content-Encoding `snappy`) is one block
whose header gives the decompressed length, so it is checked against the limit before
anything is decompressed. The framing format (`x-snappy-framed`, and `snappy` bodies
that start with its stream identifier, as the OpenTelemetry Collector detects them) is
a stream of chunks of at most 64 KiB each once decompressed, checked by CRC-32C; it is
decoded chunk by chunk as the body arrives.
"""

from __future__ import annotations

import cramjam

STREAM_IDENTIFIER = b"\xff\x06\x00\x00sNaPpY"
_MAX_CHUNK = 1 << 17  # a compressed chunk of 64 KiB of data is at most ~76 KiB
_DATA_CHUNKS = (0x00, 0x01)  # compressed, uncompressed
Error = cramjam.DecompressionError


class TooLarge(ValueError):
    """The body, once decompressed, is larger than the limit."""

    @classmethod
    def over(cls, limit: int) -> TooLarge:
        return cls(f"request body is over {limit} bytes after decompression")


class Framed:
    """The framing format, fed as it arrives."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pending = bytearray()
        self.out = bytearray()
        self.started = False

    @property
    def held(self) -> int:
        return len(self.out) + len(self.pending)

    def feed(self, data: bytes) -> None:
        self.pending += data
        view = memoryview(self.pending)
        at = 0
        try:
            while len(view) - at >= 4:
                kind, length = view[at], int.from_bytes(view[at + 1:at + 4], "little")
                if length > _MAX_CHUNK:
                    raise Error(f"a snappy chunk of {length} bytes is over the format's size")
                end = at + 4 + length
                if end > len(view):
                    break
                self._chunk(kind, view[at:end])
                at = end
        finally:
            view.release()
        del self.pending[:at]

    def _chunk(self, kind: int, chunk: memoryview) -> None:
        if not self.started:
            if bytes(chunk) != STREAM_IDENTIFIER:
                raise Error("the body does not start with the snappy stream identifier")
            self.started = True
        elif kind in _DATA_CHUNKS:
            # a stream of this one chunk: cramjam checks its CRC and its 64 KiB bound
            self.out += cramjam.snappy.decompress(STREAM_IDENTIFIER + bytes(chunk))
            if len(self.out) > self.limit:
                raise TooLarge.over(self.limit)
        elif kind < 0x80 and kind != 0xFF:
            raise Error(f"reserved unskippable snappy chunk type {kind:#x}")
        # else: padding, a repeated stream identifier or a reserved skippable chunk

    def finish(self) -> bytearray:
        if self.pending:
            raise Error("the snappy stream is truncated")
        return self.out


class Block:
    """The block format: the whole body, its announced length checked first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        # the largest compressed form of `limit` bytes (snappy's MaxCompressedLength)
        self.max_input = 32 + limit + limit // 6
        self.data = bytearray()

    @property
    def held(self) -> int:
        return len(self.data)

    def feed(self, data: bytes) -> None:
        self.data += data
        if len(self.data) > self.max_input:
            raise TooLarge.over(self.limit)

    def finish(self) -> bytearray:
        if not self.data:
            return bytearray()
        if cramjam.snappy.decompress_raw_len(self.data) > self.limit:
            raise TooLarge.over(self.limit)
        return bytearray(cramjam.snappy.decompress_raw(self.data))


class Auto:
    """`snappy`: framed when the body starts with the stream identifier, else a block."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.head = bytearray()
        self.decoder: Framed | Block | None = None

    @property
    def held(self) -> int:
        return len(self.head) if self.decoder is None else self.decoder.held

    def feed(self, data: bytes) -> None:
        if self.decoder is None:
            self.head += data
            if len(self.head) < len(STREAM_IDENTIFIER):
                return
            self._choose()
            data, self.head = bytes(self.head), bytearray()
        assert self.decoder is not None
        self.decoder.feed(data)

    def _choose(self) -> None:
        framed = self.head.startswith(STREAM_IDENTIFIER)
        self.decoder = Framed(self.limit) if framed else Block(self.limit)

    def finish(self) -> bytearray:
        if self.decoder is None:  # shorter than the identifier: a (tiny) block
            self._choose()
            assert self.decoder is not None
            self.decoder.feed(bytes(self.head))
        return self.decoder.finish()
