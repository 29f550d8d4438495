#!/usr/bin/env python3
"""png_stats.py PNG [RRGGBB ...] -- decodes an 8-bit, non-interlaced
RGB/RGBA/grey PNG with the standard library only and prints

    width=W height=H colors=N nonwhite=P RRGGBB=K ...

colors is the number of distinct RGB values, nonwhite the share of pixels
that are not pure white, and each requested RRGGBB is followed by the
number of pixels of exactly that colour. Used by check_report_browser.c to
tell a rendered page from a blank one. Exit status 2 on an unsupported or
corrupt file."""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise ValueError("unsupported PNG (depth %d, type %d)" % (depth, ctype))
    raw = zlib.decompress(b"".join(idat))
    stride = w * channels
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                line[x] = (line[x] + paeth(a, b, c)) & 255
        rows.append(line)
        prev = line
    return w, h, channels, rows


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        w, h, ch, rows = decode(sys.argv[1])
    except (ValueError, OSError, zlib.error, struct.error, TypeError) as e:
        print("png_stats: %s" % e, file=sys.stderr)
        return 2
    want = {s.lower(): 0 for s in sys.argv[2:]}
    seen = set()
    nonwhite = 0
    for line in rows:
        for x in range(0, w * ch, ch):
            if ch >= 3:
                rgb = (line[x], line[x + 1], line[x + 2])
            else:
                rgb = (line[x],) * 3
            seen.add(rgb)
            if rgb != (255, 255, 255):
                nonwhite += 1
            if want:
                key = "%02x%02x%02x" % rgb
                if key in want:
                    want[key] += 1
    out = ["width=%d" % w, "height=%d" % h, "colors=%d" % len(seen),
           "nonwhite=%.4f" % (nonwhite / float(w * h))]
    out += ["%s=%d" % (k, v) for k, v in want.items()]
    print(" ".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
