"""Photos for the sample data and the tests: a voucher, a page of minutes or a notice on the board,
drawn with Pillow the way a phone would take it (paper on a desk, uneven light, a little grain),
with the EXIF a phone writes: its maker and model, GPS coordinates, the time, an orientation and an
embedded thumbnail. The same arguments give the same bytes (Pillow's own font, a seeded grain)."""

from __future__ import annotations

import io
import random
from datetime import date

KINDS = ("voucher", "minutes", "notice")
# Villages of a generated county (`gongkai sample`) that photograph their last year's posted notices
# and largest payments, in percent: a county starts a new practice in pilot villages (试点村).
PHOTO_PERCENT = 10


def draw(kind: str, lines: list[str], seed: int, size: tuple[int, int] = (1200, 1600)):
    """The picture (a PIL image, upright) of a document with `lines` of text (ASCII: Pillow's own font)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rnd = random.Random(seed)
    w, h = size
    desk = (rnd.randint(90, 130), rnd.randint(70, 100), rnd.randint(50, 80))
    im = Image.new("RGB", size, desk)
    d = ImageDraw.Draw(im)
    m = int(w * 0.06)
    paper = (246, 243, 232) if kind != "notice" else (250, 250, 246)
    d.rectangle([m, m, w - m, h - m], fill=paper)
    big = ImageFont.load_default(size=max(18, w // 22))
    small = ImageFont.load_default(size=max(12, w // 40))
    title = {"voucher": "RECEIPT / VOUCHER", "minutes": "MEETING MINUTES", "notice": "PUBLIC NOTICE"}[kind]
    d.text((m * 2, m * 2), title, fill=(30, 30, 30), font=big)
    y = m * 2 + w // 12
    for i, line in enumerate(lines):
        d.text((m * 2, y), line, fill=(25, 25, 40), font=small)
        y += w // 24
        if kind == "voucher":
            d.line([m * 2, y - 6, w - m * 2, y - 6], fill=(180, 160, 160), width=2)
        if y > h - m * 4:
            break
    if kind != "minutes":  # the red seal
        cx, cy, r = w - m * 4, h - m * 4, w // 9
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(200, 30, 30), width=max(4, w // 150))
        d.text((cx - r // 2, cy - 10), "SEAL", fill=(200, 30, 30), font=small)
    # light from one side, and the grain of a phone camera
    shade = Image.linear_gradient("L").resize(size).point(lambda v: 200 + v // 5)
    im = Image.composite(im, Image.new("RGB", size, (0, 0, 0)), shade)
    # a seeded grain (Image.effect_noise is not seeded): drawn small, enlarged
    gw, gh = max(1, w // 3), max(1, h // 3)
    grain = Image.frombytes("L", (gw, gh), rnd.randbytes(gw * gh)).resize(size).convert("RGB")
    im = Image.blend(im, grain, 0.05).filter(ImageFilter.BoxBlur(1))  # a phone lens is never quite sharp
    return im


def phone_jpeg(kind: str, lines: list[str], seed: int, size: tuple[int, int] = (1200, 1600),
               orientation: int = 1, gps: tuple[float, float] | None = (33.4885, 112.4297), quality: int = 85) -> bytes:
    """A JPEG as a phone saves it: the picture stored rotated as `orientation` says (6: the phone
    was held upright, the sensor's picture lies on its side), with maker, model, time, GPS and an
    embedded thumbnail in its EXIF."""
    from PIL import Image

    upright = draw(kind, lines, seed, size)
    stored = {6: upright.transpose(Image.Transpose.ROTATE_90), 8: upright.transpose(Image.Transpose.ROTATE_270),
              3: upright.transpose(Image.Transpose.ROTATE_180)}.get(orientation, upright)
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"  # Make
    exif[0x0110] = "Redmi Note 12"  # Model
    exif[0x0132] = "2026:07:13 10:24:31"  # DateTime
    exif[0x0112] = orientation
    if gps:
        def dms(x: float):
            deg = int(x)
            minutes = int((x - deg) * 60)
            return (deg, minutes, round(((x - deg) * 60 - minutes) * 60, 2))
        exif[0x8825] = {1: "N", 2: dms(gps[0]), 3: "E", 4: dms(gps[1])}
    buf = io.BytesIO()
    thumb = stored.copy()
    thumb.thumbnail((160, 160))
    tbuf = io.BytesIO()
    thumb.save(tbuf, "JPEG", quality=70)
    stored.save(buf, "JPEG", quality=quality, exif=_with_thumbnail(exif, tbuf.getvalue()))
    return buf.getvalue()


def _with_thumbnail(exif, thumbnail: bytes) -> bytes:
    """The EXIF block with an embedded JPEG thumbnail in its second directory (IFD1), as cameras write it."""
    import struct

    data = exif.tobytes()  # b"Exif\0\0" + TIFF
    tiff = bytearray(data[6:])
    little = tiff[:2] == b"II"
    e = "<" if little else ">"
    first = struct.unpack(e + "I", tiff[4:8])[0]
    count = struct.unpack(e + "H", tiff[first:first + 2])[0]
    next_at = first + 2 + count * 12
    ifd1 = len(tiff)
    if ifd1 % 2:
        tiff += b"\0"
        ifd1 += 1
    struct.pack_into(e + "I", tiff, next_at, ifd1)
    entries = [(0x0103, 3, 1, 6), (0x0201, 4, 1, 0), (0x0202, 4, 1, len(thumbnail))]
    body = struct.pack(e + "H", len(entries))
    start = ifd1 + 2 + len(entries) * 12 + 4
    for tag, typ, n, value in entries:
        if tag == 0x0201:
            value = start
        if typ == 3:
            body += struct.pack(e + "HHIHH", tag, typ, n, value, 0)
        else:
            body += struct.pack(e + "HHII", tag, typ, n, value)
    body += struct.pack(e + "I", 0)
    tiff += body + thumbnail
    return b"Exif\0\0" + bytes(tiff)


def _entry_lines(e: dict, place: str) -> list[str]:
    amount = int(e["expense"])
    return [f"VOUCHER No. {_ascii(e.get('voucher') or '')}", f"DATE {e['date'].isoformat()}",
            f"AMOUNT CNY {amount // 100:,}.{amount % 100:02d}", f"PAYER {place}", "PAID BY BANK TRANSFER", "CHECKED"]


def _ascii(text: str) -> str:
    return text.replace("记", "JI").encode("ascii", "replace").decode()


def add_photos(decisions: list[dict], funds: list[dict], year: int, seed: str, place: str,
               size: tuple[int, int] = (1080, 1440), quality: int = 80) -> list[tuple[str, bytes]]:
    """Photos for a village's records of `year` (the latest year: attaching photos is new, older
    records were published without): the notice of each decision as posted on the board, and the
    voucher of each fund period's largest payment. Adds `attachments` to those records (the dicts
    the sample generators write) and gives the files as (path in the village's folder, JPEG bytes).
    A photo is as a phone forwards it in WeChat (1080 px wide), with its EXIF and GPS."""
    files: list[tuple[str, bytes]] = []
    rnd = random.Random(f"{seed}:photos")

    def photo(kind: str, lines: list[str], name: str) -> str:
        path = f"fujian/{name}.jpg"
        files.append((path, phone_jpeg(kind, lines, rnd.randrange(1 << 30), size=size, quality=quality,
                                       orientation=rnd.choice((1, 6)))))
        return path

    for d in decisions:
        disc = d.get("resolution_disclosure")
        if not disc or not isinstance(disc.get("start"), date) or disc["start"].year != year:
            continue
        where = (disc.get("where") or "村务公开栏").split("、")[0]
        path = photo("notice", [f"NOTICE {d['id'].upper()}", f"POSTED {disc['start'].isoformat()}",
                                f"UNTIL {disc['end'].isoformat()}", "VILLAGE COMMITTEE"], f"{d['id']}-gongshi")
        disc["attachments"] = [dict(file=path, caption=f"张贴在{where}的决议公示（{disc['start'].month}月{disc['start'].day}日拍摄）",
                                    redacted="是")]
    for f in funds:
        if not str(f["period"]).startswith(str(year)):
            continue
        paid = [e for e in f["entries"] if e.get("expense") is not None]
        if not paid:
            continue
        top = max(paid, key=lambda e: (int(e["expense"]), e["date"]))
        path = photo("voucher", _entry_lines(top, place), f"{str(f['period']).lower()}-{_ascii(top.get('voucher') or '').lower()}")
        top["attachments"] = [dict(file=path, caption=f"{top.get('voucher') or ''}凭证：{top['summary'][:24]}", redacted="是")]
    return files
