"""Attachments: photos of vouchers, minutes and posted notices, and scans as PDF, kept in a village's
fujian/ folder and listed by the records they prove.

Check: each file must be in its village's folder (no `..`, no link out of it), an image or a PDF by
its bytes (not its name), under the size limit, readable, and not a decompression bomb. A caption
and the statement that personal data in it is covered (`redacted: 是`) are required by the schema.

Build: a photo is never published as the clerk's phone took it. It is decoded, turned upright,
converted to sRGB, shrunk to phone size and encoded again (WebP), so that nothing of the original
file (EXIF, GPS, the phone's model, XMP, ICC, an embedded thumbnail) is carried over; a thumbnail is
made beside it. A PDF keeps its pages and loses its metadata; its first page gives the thumbnail.
Both are kept in the cache by the content hash of the original, so a photo is encoded once.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongkai.check.diagnostics import Diagnostic

FOLDER = "fujian"  # a village's attachments: villages/<county>/<township>/<village>/fujian/
MAX_BYTES = 20 * 1024 * 1024  # a phone photo is 3-8 MB, a scanned PDF of a few pages under 20 MB
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; more is a damaged or hostile file (a decompression bomb)
MAX_PDF_PAGES = 50
MAX_PER_RECORD = 12  # with each thumbnail at most THUMB_BYTES, a record page's thumbnails stay under 100 KB
FULL_SIDE = 1600  # the longest side of a published photo: voucher text stays readable on a phone
THUMB_SIDE = 360
THUMB_BYTES = 8 * 1024
# WebP quality of the full image: at 60, fine print (about 20 px high at 1600 px) still reads, by eye
# and by OCR (tests/test_attachments.py), at about half the bytes of 80: photos are most of a site's size
QUALITY = 60
# What decides the encoded files besides the original: changed, every photo is encoded again.
MEDIA_VERSION = f"3 {FULL_SIDE} {THUMB_SIDE} {THUMB_BYTES} {QUALITY}"

KINDS = {"jpeg": "JPEG 照片", "png": "PNG 图片", "heic": "HEIC 照片", "pdf": "PDF 扫描件"}


def sniff(head: bytes) -> str | None:
    """The file's type by its first bytes: jpeg, png, heic, pdf, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"):
        return "heic"
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ")[:5] == b"%PDF-":
        return "pdf"
    return None


def _looks_like(head: bytes) -> str:
    """What a file that is neither an image nor a PDF seems to be, for the message."""
    text = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "一个网页（HTML）"
    if head.startswith(b"PK\x03\x04"):
        return "一个压缩包或 Word/Excel 文件"
    if head.startswith((b"GIF8", b"BM", b"RIFF")):
        return "一种这里不收的图片格式（只收 JPEG、PNG、HEIC）"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "一个旧版 Word/Excel 文件"
    return "不认识的内容"


def attachments_of(rec) -> Iterator[tuple[str, object]]:
    """(where in the record, attachment) for every attachment of a record, its ledger entries,
    meetings and disclosures, in the order of the record's fields."""
    yield from _walk(rec, "")


def _walk(rec, where: str) -> Iterator[tuple[str, object]]:
    # Every record of a county is walked at every check (a county has hundreds of thousands of ledger
    # entries, nearly all without photos): a part that can hold nothing but its own attachments
    # ("leaf") is looked at directly, without a generator of its own.
    for key, label, how, leaf in _plan(rec.spec.name):
        value = getattr(rec, key, None)
        if not value:
            continue
        if how == "here":
            for a in value:
                yield where, a
        elif how == "spec":
            if leaf:
                for a in getattr(value, "attachments", None) or ():
                    yield label, a
            elif hasattr(value, "spec"):
                yield from _walk(value, label)
        else:
            for i, item in enumerate(value, 1):
                if leaf and not getattr(item, "attachments", None):
                    continue
                if hasattr(item, "spec"):
                    name = f"第 {i} 笔明细" if key == "entries" else f"{label}第 {i} 项"
                    if key == "entries" and getattr(item, "voucher", None):
                        name += f"（{item.voucher}）"
                    yield from _walk(item, name)


@functools.lru_cache(maxsize=None)
def _plan(spec_name: str) -> tuple[tuple[str, str, str, bool], ...]:
    """The fields of a spec that hold attachments ("here") or records that may ("spec", "list"),
    and whether such a record holds nothing but its own attachments."""
    from gongkai.model.schema import ListOf, Spec

    def leaf(spec) -> bool:
        return [how for _, _, how, _ in _plan(spec.name)] == ["here"]

    out = []
    for key, f in Spec.by_name[spec_name].fields.items():
        if key == "attachments":
            out.append((key, f.label, "here", False))
        elif isinstance(f.type, Spec) and _plan(f.type.name):
            out.append((key, f.label, "spec", leaf(f.type)))
        elif (isinstance(f.type, ListOf) and isinstance(f.type.item, Spec) and key != "amendments"
              and _plan(f.type.item.name)):
            out.append((key, f.label, "list", leaf(f.type.item)))
    return tuple(out)


def village_folder(rec) -> Path:
    """The folder of the village a record's file belongs to (decisions/2024.yml's parent's parent)."""
    return Path(rec.path).parent.parent


def source(village_dir: Path, file: str) -> Path:
    return village_dir / file


@dataclass
class Found:
    """An attachment file as the check found it: where, what, its content hash."""

    path: str
    kind: str
    digest: str
    size: int

    @property
    def published(self) -> str:
        """Where the site publishes it, in the village's folder: named by its content, never by the
        clerk's file name; a photo as WebP (process), a PDF as a PDF."""
        return f"{FOLDER}/{published_name(self.digest)}{'.pdf' if self.kind == 'pdf' else '.webp'}"


def _at(a, code: str, message: str) -> Diagnostic:
    return Diagnostic(a.path, a.line_of("file"), a.col_of("file"), code, message)


def check_village(village, cache_dir: Path | None = None) -> tuple[list[Diagnostic], dict[str, Found]]:
    """Every attachment of a village's records: diagnostics, and the files found good by path.
    `cache_dir`: the data's cache folder (cache.folder), where verdicts on files are kept."""
    _verdicts.root = cache_dir / "media" if cache_dir else None
    diags: list[Diagnostic] = []
    good: dict[str, Found] = {}
    seen: dict[str, Found | None] = {}
    used: set[str] = set()
    vdir = Path(village.path).parent
    for rec in village.records():
        listed = list(attachments_of(rec))
        if len(listed) > MAX_PER_RECORD:
            a = listed[MAX_PER_RECORD][1]
            diags.append(_at(a, "GK905", f"这条记录有 {len(listed)} 个附件，最多 {MAX_PER_RECORD} 个：把多张凭证扫描成一个 PDF"))
        for _, a in listed:
            if not a.file:
                continue
            used.add(str(vdir / a.file.strip()))  # named, good or not: not a file nobody listed
            found = seen.get(a.file, False)
            if found is False:
                found = seen[a.file] = _check_file(vdir, a, diags)
            if found is not None:
                good[found.path] = found
                a.published = found.published  # what open data names (opendata.json_value)
    if not village.unreadable:  # a file that could not be read may list the others
        diags.extend(_unused(vdir, used))
    return diags, good


def _check_file(vdir: Path, a, diags: list[Diagnostic]) -> Found | None:
    name = a.file.strip()
    parts = Path(name.replace("\\", "/")).parts
    if os.path.isabs(name) or ".." in parts or "\\" in name or name.startswith("~"):
        diags.append(_at(a, "GK902", f"附件“{name}”不在本村的文件夹里：只写本村文件夹里的路径，如 {FOLDER}/2024-记-012.jpg"))
        return None
    if not parts or parts[0] != FOLDER:
        diags.append(_at(a, "GK902", f"附件“{name}”要放在本村的 {FOLDER}/ 文件夹里，写成 {FOLDER}/{parts[-1] if parts else '照片.jpg'}"))
        return None
    path = vdir / name
    # a link anywhere on the way could lead out of the village folder (or to another village's files)
    step = vdir
    for part in parts:
        step = step / part
        if step.is_symlink():
            diags.append(_at(a, "GK902", f"附件“{name}”是一个链接（快捷方式），不是本村文件夹里真正的文件"))
            return None
    if not path.is_file():
        near = _near(vdir / FOLDER, parts[-1])
        hint = f"，{FOLDER}/ 里有“{near}”，是不是它？" if near else f"：把文件放进 {FOLDER}/，或核对文件名"
        diags.append(_at(a, "GK901", f"找不到附件“{name}”{hint}"))
        return None
    stat = path.stat()
    size = stat.st_size
    known = _known.get(str(path))
    if known is not None and known[0] == (size, stat.st_mtime_ns, stat.st_ino):
        return known[1]  # `mkdocs serve`: a good file unchanged since the last check is not read again
    if size > MAX_BYTES:
        diags.append(_at(a, "GK904", f"附件“{name}”有 {size / 1024 / 1024:.0f} MB，超过 {MAX_BYTES // 1024 // 1024} MB：用手机的“压缩”或扫描软件重新导出"))
        return None
    data = path.read_bytes()
    kind = sniff(data[:32])
    if kind is None:
        diags.append(_at(a, "GK903", f"附件“{name}”不是照片或 PDF：文件的内容是{_looks_like(data[:64])}（只看内容，不看文件名）"))
        return None
    found = Found(str(path), kind, hashlib.sha256(data).hexdigest(), size)
    problem = _verdicts.get(found)
    if problem is None:
        problem = _verdicts.put(found, _readable(kind, data) or "")
    if problem:
        diags.append(_at(a, "GK903", f"附件“{name}”{problem}"))
        return None
    _known[str(path)] = ((size, stat.st_mtime_ns, stat.st_ino), found)
    return found


# Good files as the last check found them, by path, with the size, time and inode they had: a
# county's photos are a hundred megabytes that `mkdocs serve` would otherwise read at every save.
_known: dict[str, tuple[tuple[int, int, int], Found]] = {}


class _Verdicts:
    """Whether a file (by its content) can be published, as a check found: a file is decoded once,
    not at every check. Kept beside the encoded files (the cache folder of the data it is in)."""

    def __init__(self):
        self.root: Path | None = None

    def get(self, f: Found) -> str | None:
        if self.root is None:
            return None
        from gongkai.load import cache

        return cache.load(self.root, "ok-" + _key(f))

    def put(self, f: Found, verdict: str) -> str:
        if self.root is not None:
            from gongkai.load import cache

            cache.store(self.root, "ok-" + _key(f), verdict)
        return verdict


_verdicts = _Verdicts()


def _near(folder: Path, name: str) -> str | None:
    import difflib

    try:
        names = [p.name for p in folder.iterdir() if p.is_file()]
    except OSError:
        return None
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else None


def _unused(vdir: Path, used: set[str]) -> Iterator[Diagnostic]:
    folder = vdir / FOLDER
    if not folder.is_dir():
        return
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and str(p) not in used:
            yield Diagnostic(str(p), 1, 1, "GK906", f"{FOLDER}/ 里的“{p.relative_to(folder).as_posix()}”没有哪条记录用到，不会公开")


def _open_image(data: bytes):
    from PIL import Image

    _register_heif()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def _readable(kind: str, data: bytes) -> str | None:
    """Why the file cannot be published as it is, or None: the header, the size in pixels, the pages."""
    if kind == "pdf":
        import pikepdf

        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                pages = len(pdf.pages)
        except Exception:
            return "是损坏的 PDF，打不开：重新扫描或导出"
        if pages == 0:
            return "是一个没有页的 PDF"
        if pages > MAX_PDF_PAGES:
            return f"有 {pages} 页，超过 {MAX_PDF_PAGES} 页：拆成几个文件"
        return None
    from PIL import Image

    try:
        with _open_image(data) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{w}x{h}")
            im.draft("RGB", (w // 8, h // 8))  # a JPEG read whole but decoded small: a cut-off file shows
            im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"的像素太多（超过 {MAX_PIXELS // 1_000_000:,} 百万像素），可能是损坏或恶意的文件：用手机重新拍或导出"
    except Exception:
        return f"是损坏的{KINDS[kind]}，打不开：重新拍照或导出"
    return None


_heif_done = False


def _register_heif() -> None:
    global _heif_done
    if not _heif_done:
        from PIL import Image
        from pillow_heif import register_heif_opener

        register_heif_opener()
        # Pillow keeps a few freed blocks of pixels for the next image instead of returning them to
        # the system: a county's photos, one after another, cost a seventh of the time in page faults
        # otherwise (about 10 MB more a process)
        Image.core.set_blocks_max(4)
        _heif_done = True


# -- build: what is published -----------------------------------------------------------------


@dataclass(frozen=True)
class Media:
    """An attachment as published: its files' names in the village's fujian/ folder and the
    thumbnail's size in pixels."""

    full: str  # fujian/<hash>.webp or fujian/<hash>.pdf
    thumb: str  # fujian/<hash>-s.webp
    width: int
    height: int
    kind: str  # jpeg, png, heic, pdf
    pages: int  # of a PDF; 0 for a photo
    full_width: int
    full_height: int


def published_name(digest: str) -> str:
    return digest[:20]


def process(data: bytes, kind: str) -> tuple[dict[str, bytes], tuple[int, int], int, tuple[int, int]]:
    """({suffix: bytes} of the published files, thumbnail size, pages, full size) for an original
    file: ".webp"/".pdf" and "-s.webp" (a PDF's full size is its thumbnail's)."""
    if kind == "pdf":
        return _process_pdf(data)
    from PIL import ImageOps

    with _open_image(data) as im:
        w, h = im.size
        if max(w, h) > FULL_SIDE:
            # a 12-megapixel JPEG decoded at a half or a quarter of its size (libjpeg scales while it
            # decodes), never smaller than what is published: three to four times faster
            ratio = FULL_SIDE / max(w, h)
            im.draft("RGB", (max(1, int(w * ratio)), max(1, int(h * ratio))))
        im.load()
        im = ImageOps.exif_transpose(im)  # upright, as the phone showed it
        full = _srgb(im)
        if max(full.size) > FULL_SIDE:
            full.thumbnail((FULL_SIDE, FULL_SIDE), resample=_lanczos())
        out = {".webp": _webp(full, QUALITY)}
        thumb, size = _thumbnail(full)
        out["-s.webp"] = thumb
        return out, size, 0, full.size


def _lanczos():
    from PIL import Image

    return Image.Resampling.LANCZOS


def _srgb(im):
    """The pixels in sRGB, RGB or RGBA, with no profile left to publish."""
    from PIL import Image, ImageCms

    icc = im.info.get("icc_profile")
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.mode or "transparency" in im.info else "RGB")
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            im = ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode=im.mode)
        except Exception:
            pass  # a broken profile: the pixels as they are
    im.info = {}
    if im.mode == "RGBA":  # a scan or screenshot with transparency: on white, as paper
        white = Image.new("RGB", im.size, "white")
        white.paste(im, mask=im.getchannel("A"))
        im = white
    return im


def _webp(im, quality: int) -> bytes:
    buf = io.BytesIO()
    # no exif, icc_profile or xmp passed: Pillow writes none
    im.save(buf, "WEBP", quality=quality, method=2)  # method 4 is 2.5x slower for 6% fewer bytes
    return buf.getvalue()


def _thumbnail(im) -> tuple[bytes, tuple[int, int]]:
    """A thumbnail of at most THUMB_BYTES: lower quality first, then smaller."""
    side = THUMB_SIDE
    while True:
        t = im.copy()
        t.thumbnail((side, side), resample=_lanczos())
        for quality in (70, 55, 40):
            data = _webp(t, quality)
            if len(data) <= THUMB_BYTES:
                return data, t.size
        if side <= 120:
            return data, t.size
        side = int(side * 0.8)


def _process_pdf(data: bytes) -> tuple[dict[str, bytes], tuple[int, int], int, tuple[int, int]]:
    import pikepdf
    import pypdfium2

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for holder in [pdf.Root, *(p.obj for p in pdf.pages)]:
            for key in ("/Metadata", "/PieceInfo"):
                if key in holder:
                    del holder[key]
        buf = io.BytesIO()
        pdf.save(buf, static_id=True, deterministic_id=False, linearize=False)
    clean = buf.getvalue()
    doc = pypdfium2.PdfDocument(clean)
    try:
        first = doc[0]
        w, h = first.get_size()
        scale = THUMB_SIDE * 2 / max(w, h)  # rendered larger, then shrunk: sharper text
        im = first.render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()
    thumb, size = _thumbnail(im)
    return {".pdf": clean, "-s.webp": thumb}, size, pages, size


def outputs(village, found: dict[str, Found], cache_dir: Path | None) -> tuple[dict[str, Media], list[tuple[str, bytes]]]:
    """The published form of each attachment of a village: {source path: Media} and the files
    (path in the site, bytes) to write into the village's folder. Encoded once per content."""
    media: dict[str, Media] = {}
    files: list[tuple[str, bytes]] = []
    done: set[str] = set()
    for path, f in sorted(found.items()):
        name = published_name(f.digest)
        made = _cached(cache_dir, f)
        if made is None:
            made = process(Path(path).read_bytes(), f.kind)
            _store(cache_dir, f, made)
        parts, (w, h), pages, (fw, fh) = made
        media[path] = Media(f.published, f"{FOLDER}/{name}-s.webp", w, h, f.kind, pages, fw, fh)
        if name not in done:
            done.add(name)
            files += [(f"{village.url}{FOLDER}/{name}{suffix}", blob) for suffix, blob in parts.items()]
    return media, files


def _key(f: Found) -> str:
    from PIL import __version__ as pillow

    return hashlib.sha256(f"{MEDIA_VERSION}\0{pillow}\0{f.kind}\0{f.digest}".encode()).hexdigest()


def _cached(cache_dir: Path | None, f: Found):
    if cache_dir is None:
        return None
    from gongkai.load import cache

    return cache.load(cache_dir / "media", _key(f))


def _store(cache_dir: Path | None, f: Found, made) -> None:
    if cache_dir is not None:
        from gongkai.load import cache

        cache.store(cache_dir / "media", _key(f), made)


@dataclass(frozen=True)
class Shown:
    """An attachment as a record's page shows it: relative to the village's folder."""

    caption: str
    where: str  # the part of the record it belongs to: "第 3 笔明细（记-012）", "决议公开"; "" for the record itself
    full: str
    thumb: str
    width: int
    height: int
    pages: int
    full_width: int
    full_height: int

    @property
    def is_pdf(self) -> bool:
        return self.full.endswith(".pdf")


def shown(rec, village) -> list[Shown]:
    """The record's attachments as published (those the check found good and the build encoded)."""
    media = getattr(village, "media", None) or {}
    vdir = Path(village.path).parent
    out = []
    for where, a in attachments_of(rec):
        m = media.get(str(vdir / a.file.strip())) if a.file else None
        if m is not None:
            out.append(Shown(a.caption or "", where, m.full, m.thumb, m.width, m.height, m.pages, m.full_width, m.full_height))
    return out
