"""Small input files for the browser tests, written with the standard library
only: a sine-tone WAV narration and RGB PNG slides."""

import math
import struct
import wave
import zlib


def write_wav(path, seconds, rate=24000, frequency=200):
    """A mono 16-bit sine tone of `seconds`; `rate` / `frequency` must be whole (one period, repeated)."""
    period = rate // frequency
    one_period = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * i / period))) for i in range(period))
    samples = int(seconds * rate)
    frames = (one_period * (samples // period + 1))[:samples * 2]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)


def write_png(path, width, height, seed):
    """An RGB gradient with a diagonal band, different for each seed."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            band = 255 if (x + y + seed * 37) % 97 < 12 else 0
            rows += bytes(((x * 255 // width + seed * 80) % 256, (y * 255 // height) % 256, band))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
                  + chunk(b"IEND", b""))
