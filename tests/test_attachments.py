"""Photos and scans that prove a record: what the check refuses, and what is published (nothing of
the phone's metadata, upright, phone-sized), read back with Pillow and with Debian's exiftool."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from gongkai.check import attach
from gongkai.adapters import samplephotos
from gongkai.check.checker import check_tree
from tinytree import COMPLETED, VILLAGE_DIR, write_tree

TODAY = date(2026, 11, 22)
EXIFTOOL = shutil.which("exiftool")


def completed_with(*items: tuple[str, str, str]) -> str:
    """The tiny village's completed matter with attachments (file, caption, redacted)."""
    lines = ["  attachments:"]
    for file, caption, redacted in items:
        lines.append(f"    - file: {file}")
        if caption:
            lines.append(f"      caption: {caption}")
        if redacted:
            lines.append(f"      redacted: {redacted}")
    head, amendments = COMPLETED.split("  amendments:\n")
    return head + "\n".join(lines) + "\n  amendments:\n" + amendments


def tree(tmp_path: Path, files: dict[str, bytes], *items: tuple[str, str, str]) -> Path:
    root = write_tree(tmp_path, completed=completed_with(*items))
    vdir = root / VILLAGE_DIR
    for name, data in files.items():
        (vdir / name).parent.mkdir(parents=True, exist_ok=True)
        (vdir / name).write_bytes(data)
    return root


def problems(root: Path) -> list[tuple[str, int, str]]:
    return [(d.code, d.line, d.message) for d in check_tree(root, TODAY).diagnostics]


def phone_photo(orientation: int = 6) -> bytes:
    return samplephotos.phone_jpeg("voucher", ["No. JI-012  2024-09-30", "AMOUNT 118,000.00"], seed=3,
                                   size=(480, 640), orientation=orientation)


def png(width: int, height: int, text: dict[str, str] | None = None, body: bytes | None = None) -> bytes:
    """A PNG written chunk by chunk: its header may claim any size (a decompression bomb's does)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    for k, v in (text or {}).items():
        out += chunk(b"tEXt", k.encode() + b"\0" + v.encode())
    raw = body if body is not None else b"".join(b"\0" + bytes([200]) * width for _ in range(height))
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pdf_with_author() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["王某某"]
    pdf.docinfo["/Author"] = "王某某 13812345678"
    pdf.docinfo["/Producer"] = "Scanner App 3.1"
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


GOOD = ("fujian/jiesuan.jpg", "文化广场工程结算单", "是")


def test_a_good_photo_passes(tmp_path):
    root = tree(tmp_path, {"fujian/jiesuan.jpg": phone_photo()}, GOOD)
    assert problems(root) == []


@pytest.mark.parametrize("file, made, code, words", [
    ("fujian/nope.jpg", {}, "GK901", "找不到附件“fujian/nope.jpg”"),
    ("fujian/jiesuan.JPG", {"fujian/jiesuan.jpg": None}, "GK901", "是不是它"),
    ("../../other/fujian/a.jpg", {}, "GK902", "不在本村的文件夹里"),
    ("/etc/passwd", {}, "GK902", "不在本村的文件夹里"),
    ("decisions/a.jpg", {}, "GK902", "要放在本村的 fujian/ 文件夹里"),
    ("fujian/fake.jpg", {"fujian/fake.jpg": b"<!DOCTYPE html><html><body>hi</body></html>"}, "GK903", "一个网页（HTML）"),
    ("fujian/cut.jpg", {"fujian/cut.jpg": "cut"}, "GK903", "是损坏的JPEG 照片"),
    ("fujian/bomb.png", {"fujian/bomb.png": "bomb"}, "GK903", "像素太多"),
])
def test_each_bad_file_gets_its_diagnostic_at_its_line(tmp_path, file, made, code, words):
    photo = phone_photo()
    files = {name: {None: photo, "cut": photo[: len(photo) // 2], "bomb": png(20000, 20000, body=b"\0")}.get(data, data)
             for name, data in made.items()}
    root = tree(tmp_path, files, (file, "结算单", "是"))
    found = problems(root)
    line = completed_with((file, "结算单", "是")).splitlines().index(f"    - file: {file}") + 1
    assert [(c, n) for c, n, _ in found if c != "GK906"] == [(code, line)], found
    assert words in next(m for c, _, m in found if c == code)


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path):
    root = tree(tmp_path, {}, ("fujian/big.jpg", "结算单", "是"))
    big = root / VILLAGE_DIR / "fujian" / "big.jpg"
    big.parent.mkdir()
    with big.open("wb") as f:  # 60 MB, sparse: a phone's video saved as .jpg
        f.write(phone_photo())
        f.truncate(60 * 1024 * 1024)
    assert [(c, m) for c, _, m in problems(root)] == [("GK904", "附件“fujian/big.jpg”有 60 MB，超过 20 MB：用手机的“压缩”或扫描软件重新导出")]


def test_a_link_out_of_the_village_is_refused(tmp_path):
    root = tree(tmp_path, {}, ("fujian/a.jpg", "结算单", "是"))
    outside = tmp_path / "elsewhere.jpg"
    outside.write_bytes(phone_photo())
    (root / VILLAGE_DIR / "fujian").mkdir()
    (root / VILLAGE_DIR / "fujian" / "a.jpg").symlink_to(outside)
    codes = {c for c, _, _ in problems(root)}
    assert "GK902" in codes and "GK113" in codes  # the attachment, and the link in the data folder


def test_caption_and_statement_are_required_and_the_statement_must_be_yes(tmp_path):
    photo = phone_photo()
    root = tree(tmp_path, {"fujian/a.jpg": photo, "fujian/b.jpg": photo, "fujian/c.jpg": photo},
                ("fujian/a.jpg", "", "是"), ("fujian/b.jpg", "结算单", ""), ("fujian/c.jpg", "结算单", "否"))
    found = problems(root)
    assert ("GK202", "附件缺少“说明”（caption）") in [(c, m) for c, _, m in found]
    assert ("GK202", "附件缺少“已遮挡个人信息”（redacted）") in [(c, m) for c, _, m in found]
    no = next(m for c, _, m in found if c == "GK907")
    assert "“已遮挡个人信息”写的是“否”" in no


def test_all_problems_in_one_run_and_unused_files_are_named(tmp_path):
    photo = phone_photo()
    root = tree(tmp_path, {"fujian/a.jpg": photo, "fujian/left-over.jpg": photo},
                ("fujian/missing.jpg", "一", "是"), ("fujian/a.jpg", "二", "否"))
    codes = sorted(c for c, _, _ in problems(root))
    assert codes == ["GK901", "GK906", "GK907"]


def test_too_many_attachments_on_one_record(tmp_path):
    photo = phone_photo()
    items = [(f"fujian/{i}.jpg", f"凭证 {i}", "是") for i in range(attach.MAX_PER_RECORD + 1)]
    root = tree(tmp_path, {f: photo for f, _, _ in items}, *items)
    assert [c for c, _, _ in problems(root)] == ["GK905"]


def test_a_phone_photo_comes_out_upright_with_no_metadata(tmp_path):
    original = phone_photo(orientation=6)
    with Image.open(io.BytesIO(original)) as im:
        assert im.size == (640, 480) and im.getexif()[0x0112] == 6 and im.getexif().get_ifd(0x8825)
    files, (tw, th), pages, _ = attach.process(original, "jpeg")
    full = files[".webp"]
    with Image.open(io.BytesIO(full)) as im:
        assert im.format == "WEBP" and im.size == (480, 640)  # upright: portrait, as held
        assert not im.getexif() and "icc_profile" not in im.info and "xmp" not in im.info and "exif" not in im.info
    assert (tw, th) == (270, 360) and len(files["-s.webp"]) <= attach.THUMB_BYTES and pages == 0
    for name, data in files.items():
        path = tmp_path / f"out{name}"
        path.write_bytes(data)
        tags = json.loads(subprocess.run([EXIFTOOL, "-j", "-a", "-G1", str(path)], capture_output=True, text=True, check=True).stdout)[0]
        groups = {k.split(":")[0] for k in tags}
        assert groups <= {"SourceFile", "ExifTool", "System", "File", "RIFF", "Composite"}, groups
        assert not any(k.startswith(("GPS", "EXIF", "IFD", "XMP", "ICC")) for k in groups)
        assert "Xiaomi" not in json.dumps(tags) and "Redmi" not in json.dumps(tags)


def test_the_upright_picture_is_the_one_the_phone_showed():
    """Orientation 6 stores the picture turned; the published one equals the picture as drawn."""
    drawn = samplephotos.draw("voucher", ["No. JI-012"], seed=3, size=(480, 640)).convert("L")
    files, *_ = attach.process(phone_photo(orientation=6), "jpeg")
    with Image.open(io.BytesIO(files[".webp"])) as im:
        out = im.convert("L")
    def small(im):
        return im.resize((48, 64)).tobytes()

    diff = sum(abs(a - b) for a, b in zip(small(drawn), small(out))) / (48 * 64)
    turned = sum(abs(a - b) for a, b in zip(small(drawn.rotate(180)), small(out))) / (48 * 64)
    assert diff < 8 < turned, (diff, turned)


def test_a_large_photo_is_phone_sized():
    big = samplephotos.phone_jpeg("notice", ["NOTICE"], seed=1, size=(3000, 4000), orientation=1, quality=60)
    files, *_ = attach.process(big, "jpeg")
    with Image.open(io.BytesIO(files[".webp"])) as im:
        assert im.size == (1200, 1600)


def test_a_png_loses_its_text_chunk():
    original = png(300, 200, text={"Author": "Wang Moumou", "Comment": "ID 410101199001011234"})
    with Image.open(io.BytesIO(original)) as im:
        assert im.info["Author"] == "Wang Moumou"
    files, *_ = attach.process(original, "png")
    assert b"Author" not in files[".webp"] and b"Wang" not in files[".webp"] and b"410101" not in files[".webp"]
    with Image.open(io.BytesIO(files[".webp"])) as im:
        assert "Author" not in im.info and im.size == (300, 200)


def test_a_pdf_keeps_its_pages_and_loses_its_metadata(tmp_path):
    import pikepdf

    files, (w, h), pages, _ = attach.process(pdf_with_author(), "pdf")
    assert pages == 1 and max(w, h) <= attach.THUMB_SIDE
    with pikepdf.open(io.BytesIO(files[".pdf"])) as pdf:
        assert len(pdf.pages) == 1
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
    assert "王某某".encode("utf-16-be") not in files[".pdf"] and b"Scanner App" not in files[".pdf"]
    path = tmp_path / "out.pdf"
    path.write_bytes(files[".pdf"])
    tags = json.loads(subprocess.run([EXIFTOOL, "-j", str(path)], capture_output=True, text=True, check=True).stdout)[0]
    assert "Author" not in tags and "Creator" not in tags and "Producer" not in tags
    with Image.open(io.BytesIO(files["-s.webp"])) as im:
        assert im.size == (w, h)


def test_a_good_pdf_passes_the_check(tmp_path):
    root = tree(tmp_path, {"fujian/scan.pdf": pdf_with_author()}, ("fujian/scan.pdf", "会议记录扫描件", "是"))
    assert problems(root) == []


def test_exiftool_is_there():
    """The metadata tests read with Debian's exiftool (tools/install-system-deps.sh installs it)."""
    assert EXIFTOOL and os.access(EXIFTOOL, os.X_OK)


# -- what the built site publishes -------------------------------------------------------------

NOTICE_PHOTO = """\
    where: 村务公开栏
    attachments:
      - file: fujian/gongshi.jpg
        caption: 张贴在村务公开栏的决议公示
        redacted: 是
"""


def built(tmp_path: Path, *flags: str, extra: dict[str, bytes] | None = None, **overrides: str):
    from conftest import mkdocs_build
    from tinytree import DECISION, tiny_project

    decisions = DECISION.replace("    end: 2024-03-22\n", "    end: 2024-03-22\n" + NOTICE_PHOTO)
    project = tiny_project(tmp_path / "p", decisions=decisions, completed=completed_with(GOOD, ("fujian/scan.pdf", "结算单扫描件", "是")), **overrides)
    vdir = project / "villages" / VILLAGE_DIR
    files = {"fujian/gongshi.jpg": samplephotos.phone_jpeg("notice", ["NOTICE"], seed=5, size=(1200, 1600)),
             "fujian/jiesuan.jpg": phone_photo(), "fujian/scan.pdf": pdf_with_author(), **(extra or {})}
    for name, data in files.items():
        (vdir / name).parent.mkdir(parents=True, exist_ok=True)
        (vdir / name).write_bytes(data)
    site = tmp_path / "site"
    return mkdocs_build(project, site, *flags), site, project


def test_record_pages_show_thumbnails_that_open_the_clean_files(tmp_path):
    import re

    done, site, _ = built(tmp_path, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    village = site / "nanzhao" / "nanhedian" / "longwangmiao"
    page = (village / "c-2024-01.html").read_text(encoding="utf-8")
    figures = re.findall(r'<a href="(fujian/[0-9a-f]{20}\.(?:webp|pdf))"><img src="(fujian/[0-9a-f]{20}-s\.webp)" alt="([^"]*)" '
                         r'width="(\d+)" height="(\d+)" loading="lazy"', page)
    assert [(f[2]) for f in figures] == ["文化广场工程结算单", "结算单扫描件（PDF，1 页）"]
    thumbs = 0
    for full, thumb, _, w, h in figures:
        assert (village / full).is_file()
        with Image.open(village / thumb) as im:
            assert im.size == (int(w), int(h)) and not im.getexif()
        thumbs += (village / thumb).stat().st_size
    assert thumbs < 100 * 1024
    assert not any(p.suffix in (".jpg", ".png") for p in (village / "fujian").iterdir())  # never the original
    for p in (village / "fujian").iterdir():
        assert b"Xiaomi" not in p.read_bytes() and b"Author" not in p.read_bytes()
    # the decision's notice photo under the step it proves, and its printed notice lists it by caption
    decision = (village / "d-2024-01.html").read_text(encoding="utf-8")
    assert 'alt="张贴在村务公开栏的决议公示"' in decision and "<small>决议公开</small>" in decision
    assert "附件（照片和扫描件，扫码在网上查看）：1. 张贴在村务公开栏的决议公示（决议公开）。" in decision


def test_a_photo_that_fails_the_check_is_never_published(tmp_path):
    from conftest import LAST_GOOD_SITE

    done, site, _ = built(tmp_path, extra={"fujian/jiesuan.jpg": b"<html><body>not a photo</body></html>"})
    assert done.returncode != 0
    assert "GK903" in done.stdout + done.stderr and "Traceback" not in done.stdout + done.stderr
    assert not (site / "nanzhao" / "nanhedian" / "longwangmiao" / "c-2024-01.html").exists()


def test_photos_are_encoded_once_and_a_changed_photo_changes_the_page(tmp_path):
    done, site, project = built(tmp_path, "--strict")
    assert done.returncode == 0, done.stderr
    media = project / ".cache" / "gongkai" / "media"
    encoded = sorted(p.name for p in media.iterdir() if not p.name.startswith("ok-"))
    assert len(encoded) == 3
    village = site / "nanzhao" / "nanhedian" / "longwangmiao"
    before = (village / "c-2024-01.html").read_text(encoding="utf-8")
    (project / "villages" / VILLAGE_DIR / "fujian" / "jiesuan.jpg").write_bytes(phone_photo(orientation=1))
    from conftest import mkdocs_build

    again = mkdocs_build(project, site, "--strict")
    assert again.returncode == 0, again.stderr
    after = (village / "c-2024-01.html").read_text(encoding="utf-8")
    assert after != before  # the new photo's name: the page was made again though no YAML changed
    assert len([p for p in media.iterdir() if not p.name.startswith("ok-")]) == 4


def test_a_photo_added_after_publishing_is_no_correction_and_keeps_the_code(tmp_path):
    """The notice is photographed once posted: adding the photo to the published record needs no
    amendment and leaves its 核对码 (printed on the notice) as it was; taking one away does."""
    from gongkai.model import integrity
    from tinytree import write_tree as published_tree

    published_tree(tmp_path / "published")
    before = check_tree(tmp_path / "published" / "villages", TODAY)
    root = tree(tmp_path, {"fujian/jiesuan.jpg": phone_photo()}, GOOD)
    after = check_tree(root, TODAY, since=tmp_path / "published" / "villages")
    assert after.diagnostics == []
    code = [integrity.fingerprint(v.slug_path, v.completed[0]) for v in (before.tree.villages[0], after.tree.villages[0])]
    assert code[0] == code[1]
    # the photo published, then taken away without a word: a correction is missing
    (tmp_path / "published" / "villages").rename(tmp_path / "first")
    root.rename(tmp_path / "published" / "villages")
    again = tmp_path / "again"
    write_tree(again)
    found = check_tree(again / "villages", TODAY, since=tmp_path / "published" / "villages")
    assert [d.code for d in found.diagnostics] == ["GK801"], found.diagnostics


def test_the_kiosk_shows_photos_large_and_open_data_names_the_published_files(tmp_path):
    import csv
    import re

    done, site, _ = built(tmp_path, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    village = site / "nanzhao" / "nanhedian" / "longwangmiao"
    screen = (site / "kiosk" / "nanzhao" / "nanhedian" / "longwangmiao" / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<figure><img src="([^"]+)" alt="([^"]*)" width="(\d+)" height="(\d+)"', screen)
    # the full image (not the thumbnail) of the notice as posted and of the completed matter's photo
    assert {alt for *_, alt, _, _ in shown} >= {"张贴在村务公开栏的决议公示", "文化广场工程结算单"}
    for src, _, w, h in shown:
        assert not src.endswith("-s.webp") and max(int(w), int(h)) > attach.THUMB_SIDE
        target = (site / "kiosk" / "nanzhao" / "nanhedian" / "longwangmiao" / src).resolve()
        assert target.is_file() and target.parent == (village / "fujian").resolve()
    # open data: the file as published, which a data user can fetch; never the clerk's original name
    rows = list(csv.DictReader((village / "data" / "completed.csv").open(encoding="utf-8-sig")))
    listed = json.loads(rows[0]["attachments"])
    assert [a["caption"] for a in listed] == ["文化广场工程结算单", "结算单扫描件"]
    for a in listed:
        assert re.fullmatch(r"fujian/[0-9a-f]{20}\.(webp|pdf)", a["file"]) and (village / a["file"]).is_file()


def heic_from_an_iphone() -> bytes:
    """A HEIC as an iPhone saves it: stored on its side (orientation 6), with maker, model and GPS."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    upright = samplephotos.draw("voucher", ["No. JI-012", "AMOUNT 118,000.00"], seed=3, size=(300, 400))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Apple", "iPhone 14", 6
    exif[0x8825] = {1: "N", 2: (33.0, 29.0, 1.0), 3: "E", 4: (112.0, 25.0, 0.5)}
    buf = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(buf, "HEIF", quality=80, exif=exif.tobytes())
    return buf.getvalue()


def test_a_heic_photo_from_an_iphone_is_checked_and_published_upright_without_metadata(tmp_path):
    original = heic_from_an_iphone()
    assert attach.sniff(original[:32]) == "heic" and b"iPhone" in original
    root = tree(tmp_path, {"fujian/IMG_0412.HEIC": original}, ("fujian/IMG_0412.HEIC", "结算单", "是"))
    assert problems(root) == []
    files, *_ = attach.process(original, "heic")
    with Image.open(io.BytesIO(files[".webp"])) as im:
        assert im.size == (300, 400) and not im.getexif() and "exif" not in im.info
    assert b"iPhone" not in files[".webp"] and b"Apple" not in files[".webp"]


def test_a_vouchers_fine_print_still_reads_after_publishing(tmp_path):
    """A 12-megapixel phone photo of a voucher whose print is 1/80 of the page: published at phone
    size and the chosen quality, its amount and payee still read (Debian's tesseract OCR reads them
    back), while the file is a small part of the original."""
    from PIL import ImageDraw, ImageFont

    page = samplephotos.draw("voucher", [], seed=4, size=(3000, 4000))
    pen, font = ImageDraw.Draw(page), ImageFont.load_default(size=4000 // 80)
    fine = ["AMOUNT CNY 16,200.00", "PAYEE NANYANG BAIHE MUNICIPAL ENGINEERING CO"]
    for i, line in enumerate(fine):
        pen.text((400, 900 + i * 90), line, fill=(30, 30, 40), font=font)
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=90)
    files, *_ = attach.process(buf.getvalue(), "jpeg")
    assert len(files[".webp"]) < len(buf.getvalue()) // 10
    with Image.open(io.BytesIO(files[".webp"])) as im:
        assert max(im.size) == attach.FULL_SIDE
        im.save(tmp_path / "published.png")
    read = subprocess.run([shutil.which("tesseract") or "tesseract", str(tmp_path / "published.png"), "-", "--psm", "4"],
                          capture_output=True, text=True, check=True).stdout
    assert all(line in read for line in fine), read
