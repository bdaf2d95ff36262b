"""A tiny valid village, and for every diagnostic code one way to break it.

One definition serves three readers: the documentation page of codes (wrong and fixed
example for each), the tests (each example must produce its code at the changed line) and
tests that need a small tree to break.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

COUNTY = """\
name: 南召县
code: "411321000000"
supervision_phone: "0377-66222222"
report_phone: "0377-12388"
rules:
  min_disclosure_days: 7
"""
TOWNSHIP = """\
name: 南河店镇
code: "411321104000"
supervision_phone: "0377-66111111"
report_phone: "0377-66111112"
"""
VILLAGE = """\
name: 龙王庙村
code: "411321104201"
party_members: 30
representatives: 21
one_person_both_posts: false
office_phone: "0377-66333333"
cadres:
  - name: 张建国
    role: 村党支部书记
"""
DECISION = """\
- id: d-2024-01
  title: 修建文化广场
  category: 公益事业
  origin: 党员群众建议
  budget: 120000.00
  proposal:
    date: 2024-03-01
    expected: 5
    present: 5
    agree: 5
  consultation:
    date: 2024-03-05
    expected: 7
    present: 7
    agree: 7
  review:
    date: 2024-03-10
    expected: 30
    present: 25
    agree: 24
    against: 1
  resolution:
    body: 村民代表会议
    date: 2024-03-15
    expected: 21
    present: 18
    agree: 17
    abstain: 1
  resolution_disclosure:
    start: 2024-03-16
    end: 2024-03-22
"""
FUNDS = """\
- id: f-2024-q1
  period: 2024-Q1
  opening_balance: 1000.00
  entries:
    - date: 2024-01-10
      category: 各项收入
      summary: 光伏发电收益
      income: 500.25
      voucher: 记-001
    - date: 2024-02-10
      category: 各项支出
      summary: 保洁员工资
      expense: 300.00
      voucher: 记-002
  closing_balance: 1200.25
  reviewed: 2024-04-03
  published: 2024-04-05
- id: f-2024-q2
  period: 2024-Q2
  opening_balance: 1200.25
  entries: []
  closing_balance: 1200.25
  reviewed: 2024-07-03
  published: 2024-07-05
"""
PLEDGES = """\
- id: p-2024-01
  who: 张建国
  role: 村党支部书记
  what: 修通村东惠民路
  made: 2024-02-10
  deadline: 2024-10-31
  status: 进行中
"""
COMPLETED = """\
- id: c-2024-01
  title: 文化广场建成
  date: 2024-09-30
  cost: 118000.00
  decision: d-2024-01
  amendments:
    - date: 2024-10-15
      reason: 结算审计后核减，按审计报告更正
      changes:
        - field: cost
          old: 120500.00
"""

VILLAGE_DIR = "nanzhao/nanhedian/longwangmiao"
FILES = {
    "county": "nanzhao/county.yml",
    "township": "nanzhao/nanhedian/township.yml",
    "village": f"{VILLAGE_DIR}/village.yml",
    "decisions": f"{VILLAGE_DIR}/decisions/2024.yml",
    "funds": f"{VILLAGE_DIR}/funds/2024.yml",
    "pledges": f"{VILLAGE_DIR}/pledges/2024.yml",
    "completed": f"{VILLAGE_DIR}/completed/2024.yml",
}
BASE = {
    "county": COUNTY, "township": TOWNSHIP, "village": VILLAGE, "decisions": DECISION,
    "funds": FUNDS, "pledges": PLEDGES, "completed": COMPLETED,
}


def write_tree(root: Path, **overrides: str | bytes) -> Path:
    """Write the tree under root/villages; overrides replace a file's content by its short name."""
    data = root / "villages"
    for name, rel in FILES.items():
        content = overrides.get(name, BASE[name])
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return data


def _write_file(path: Path, what: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if what == "photo":
        from gongkai.adapters.samplephotos import phone_jpeg

        path.write_bytes(phone_jpeg("voucher", ["No. JI-003  2024-09-30", "AMOUNT 118,000.00"], seed=1, size=(300, 400)))
    elif what == "html":
        path.write_text("<!DOCTYPE html><html><head><title>微信图片</title></head><body></body></html>\n", encoding="utf-8")
    elif what == "big":
        with path.open("wb") as f:  # sparse: no 21 MB written
            f.write(b"\xff\xd8\xff\xe0")
            f.truncate(21 * 1024 * 1024)
    else:
        raise ValueError(what)


@dataclass(frozen=True)
class Example:
    """How to break the tiny village so that one code fires.

    Either replace `old` by `new` in `file` (old=None replaces the whole file), re-encode the
    file (`encoding`), pad it past the size limit (`pad`), or create an extra file (`create`).
    """

    file: str = ""
    old: str | None = ""
    new: str = ""
    encoding: str = ""
    pad: int = 0
    create: str = ""
    link: str = ""  # with `create`: make it a link (symlink) to this path instead of a file
    note: str = ""  # what the reader should notice, when the text alone does not show it
    at: tuple[str, int] | None = None  # (file, line) the diagnostic points at, when not the change itself
    published: bool = False  # the tiny village as it is was published (on main); the change came after it
    # files written beside the data, (path under the data folder, what): "photo" (a phone's JPEG),
    # "html" (a web page saved as .jpg), "big" (a 21 MB file)
    files: tuple[tuple[str, str], ...] = ()

    def wrong_text(self) -> str:
        base = BASE[self.file]
        if self.old is None:
            return self.new
        assert self.old in base, (self.file, self.old)
        return base.replace(self.old, self.new, 1)

    def apply(self, root: Path) -> Path:
        """Write the broken tree; returns the path of the file the problem is in. For a `published`
        example the unbroken tree is also written, to root/published/villages."""
        if self.published:
            write_tree(root / "published")
        data = write_tree(root)
        for rel, what in self.files:
            _write_file(data / rel, what)
        if self.create and any(rel == self.create for rel, _ in self.files):
            return data / self.create
        if self.create:
            path = data / self.create
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.link:
                path.symlink_to(self.link)
            else:
                path.write_text(self.new, encoding="utf-8")
            return path
        path = data / FILES[self.file]
        text = self.wrong_text()
        raw = text.encode(self.encoding or "utf-8")
        if self.pad:
            raw += b"#" * self.pad + b"\n"
        path.write_bytes(raw)
        return path

    def changed_lines(self) -> tuple[int, int]:
        """First and last line (1-based) of the wrong text that differ from the right one."""
        if self.create or self.encoding or self.pad or self.old is None:
            return 1, max(1, self.wrong_text().count("\n") if not self.create else self.new.count("\n"))
        before = BASE[self.file][: BASE[self.file].index(self.old)]
        first = before.count("\n") + 1
        return first, first + max(self.new.count("\n"), self.old.count("\n"))

    def snippets(self, context: int = 2) -> tuple[str, str]:
        """(wrong, right) excerpts of the file around the change, for the documentation."""
        right_text = BASE[self.file]
        if self.old is None:
            return self.new.rstrip("\n"), right_text.rstrip("\n")
        first = right_text[: right_text.index(self.old)].count("\n") + 1
        lo = max(0, first - 1 - context)
        wrong_end = first + self.new.count("\n") + context
        right_end = first + self.old.count("\n") + context
        return (
            "\n".join(self.wrong_text().splitlines()[lo:wrong_end]),
            "\n".join(right_text.splitlines()[lo:right_end]),
        )


_DECIDED = "  decision: d-2024-01\n"


def _attachment(file: str, redacted: str = "是", first: bool = True) -> str:
    head = "  attachments:\n" if first else ""
    return f"{head}    - file: {file}\n      caption: 文化广场工程结算单\n      redacted: {redacted}\n"


_DUBAN_AFTER = 'report_phone: "0377-66111112"\n'


def _duban(number: int, village: str, issued: str = "2024-11-05") -> str:
    head = "duban:\n" if number == 1 and issued == "2024-11-05" else ""
    return f"{head}  - number: {number}\n    village: {village}\n    issued: {issued}\n"


_CONSULTATION = "  consultation:\n    date: 2024-03-05\n    expected: 7\n    present: 7\n    agree: 7\n"
_Q2 = "  period: 2024-Q2\n  opening_balance: 1200.25\n  entries: []\n  closing_balance: 1200.25\n  reviewed: 2024-07-03\n  published: 2024-07-05\n"

EXAMPLES: dict[str, Example] = {
    "GK101": Example("village", "  - name: 张建国\n    role:", "  - name: 张建国\n   role:"),
    "GK102": Example("village", encoding="gbk", note="文件用 GBK（记事本“ANSI”）保存，内容看起来一样，但编码不对"),
    "GK103": Example("village", "    role: 村党支部书记", "\t  role: 村党支部书记", note="行首是一个 Tab"),
    "GK104": Example("pledges", pad=2 * 1024 * 1024, note="文件超过 2 MB"),
    "GK105": Example("pledges", None, "# 今年的承诺，还没写\n"),
    "GK106": Example("village", 'office_phone: "0377-66333333"', 'office_phone: &tel "0377-66333333"'),
    "GK107": Example("village", "party_members: 30\n", "party_members: 30\nparty_members: 31\n"),
    "GK108": Example("village", "    role: 村党支部书记\n", "    role: 村党支部书记\n---\nname: 另一个村\n"),
    "GK109": Example("village", "name: 龙王庙村", "name: !!str 龙王庙村"),
    "GK110": Example(create=f"{VILLAGE_DIR}/备注.txt", new="会议记录本在村委会\n", note="村文件夹里放了一个不认识的文件"),
    "GK111": Example(create="xinye/说明.md", new="新野县\n", note="县文件夹里没有 county.yml"),
    "GK112": Example("village", "name: 龙王庙村", "name: 龙王庙\u2028村", note="村名中间夹着一个看不见的 U+2028 换行符"),
    "GK113": Example(create=f"{VILLAGE_DIR}/pledges/2023.yml", link="../../../../../../备份/2023承诺.yml",
                     note="pledges/2023.yml 不是文件，而是指向数据文件夹外面的一个链接"),
    "GK114": Example("funds", '    - date: 2024-01-10\n      category: 各项收入\n      summary: 光伏发电收益\n      income: 500.25\n      voucher: 记-001\n    - date: 2024-02-10\n      category: 各项支出\n      summary: 保洁员工资\n      expense: 300.00\n      voucher: 记-002\n', '  - date: 2024-01-10\n    category: 各项收入\n    summary: 光伏发电收益\n    income: 500.25\n    voucher: 记-001\n  - date: 2024-02-10\n    category: 各项支出\n    summary: 保洁员工资\n    expense: 300.00\n    voucher: 记-002\n',
                     note="收支明细的“- ”和 entries 写在同一列：YAML 认得，只是和规范格式的缩进不一样"),
    "GK201": Example("village", "cadres:\n  - name: 张建国\n    role: 村党支部书记", "cadres: 张建国 村党支部书记"),
    "GK202": Example("pledges", "  who: 张建国\n", "", at=("pledges", 1)),
    "GK203": Example("village", "party_members: 30", "party_member: 30"),
    "GK204": Example("pledges", "  made: 2024-02-10", "  made: 2024年2月10日"),
    "GK205": Example("decisions", "  budget: 120000.00", "  budget: 12万"),
    "GK206": Example("village", "representatives: 21", "representatives: 二十一"),
    "GK207": Example("village", 'code: "411321104201"', "code: 411321104201"),
    "GK208": Example("pledges", "  status: 进行中", "  status: 在办"),
    "GK210": Example("village", "one_person_both_posts: false", "one_person_both_posts: 否"),
    "GK211": Example("pledges", "- id: p-2024-01", "- id: 承诺1"),
    "GK212": Example("pledges", "- id: p-2024-01", "- id: d-2024-01"),
    "GK213": Example("village", 'code: "411321104201"', 'code: "4113211042"'),
    "GK214": Example("village", 'code: "411321104201"', 'code: "411322104201"'),
    "GK215": Example("pledges", "  made: 2024-02-10", "  made: 2023-12-10", at=("pledges", 1)),
    "GK216": Example(create="assets/county.yml", new=COUNTY, note="县文件夹起名 assets，和网站自带的 assets/ 文件夹（样式和脚本）重名"),
    "GK217": Example(create="synonyms.yml", new="修路: [道路, 硬化]\n低保:\n", note="本县的近义词表里“低保”后面没有写近义词"),
    "GK301": Example("decisions", _CONSULTATION, ""),
    "GK302": Example("decisions", "    date: 2024-03-10", "    date: 2024-03-04"),
    "GK303": Example("decisions", "    present: 25\n    agree: 24", "    present: 25\n    agree: 26"),
    "GK304": Example("decisions", "    end: 2024-03-22", "    end: 2024-03-19"),
    "GK305": Example("decisions", "    agree: 5\n" + _CONSULTATION, "    agree: 5\n    merged_consultation: true\n"),
    "GK306": Example("decisions", "    present: 25\n    agree: 24", "    present: 19\n    agree: 18"),
    "GK307": Example("decisions", "    agree: 24", "    agree: 15"),
    "GK308": Example("decisions", "    expected: 30", "    expected: 31"),
    "GK401": Example("funds", "  closing_balance: 1200.25\n  reviewed: 2024-04-03", "  closing_balance: 1200.00\n  reviewed: 2024-04-03"),
    "GK402": Example("funds", "  opening_balance: 1200.25", "  opening_balance: 1200.00"),
    "GK403": Example("funds", "    - date: 2024-02-10", "    - date: 2024-04-10"),
    "GK404": Example("funds", "  period: 2024-Q2", "  period: 2024-Q5"),
    "GK405": Example("funds", "      expense: 300.00", "      expense: 300.00\n      income: 300.00", at=("funds", 10)),
    "GK406": Example("funds", "  period: 2024-Q2", "  period: 2024-Q1"),
    "GK407": Example("funds", _Q2, _Q2.replace("Q2", "Q3").replace("-07-", "-10-")),
    "GK408": Example("village", "one_person_both_posts: false", "one_person_both_posts: false\nhigh_volume: true", at=("funds", 2)),
    "GK409": Example("funds", "记-002", "记-001"),
    "GK410": Example("funds", "  reviewed: 2024-04-03", "  reviewed: 2024-03-30"),
    "GK411": Example("funds", "  published: 2024-04-05", "  published: 2024-04-20"),
    "GK501": Example("pledges", "  deadline: 2024-10-31", "  deadline: 2024-01-31"),
    "GK502": Example("pledges", "  status: 进行中", "  status: 已兑现"),
    "GK503": Example("pledges", "  status: 进行中", "  status: 已兑现\n  kept_on: 2024-01-01\n  evidence: 验收单在村委会"),
    "GK601": Example("completed", "  decision: d-2024-01", "  decision: d-2024-09"),
    "GK602": Example("completed", "  date: 2024-09-30", "  date: 2024-03-10"),
    "GK603": Example("decisions", "    agree: 17\n    abstain: 1", "    agree: 9\n    abstain: 1", at=("completed", 5)),
    "GK604": Example("township", _DUBAN_AFTER, _DUBAN_AFTER + _duban(1, "longwangmiao") + _duban(2, "longwangmao")),
    "GK605": Example("township", _DUBAN_AFTER, _DUBAN_AFTER + _duban(1, "longwangmiao") + _duban(1, "longwangmiao", "2024-11-20")),
    "GK606": Example("township", _DUBAN_AFTER, _DUBAN_AFTER + _duban(1, "longwangmiao") + "    signed: 2024-10-30\n"),
    "GK701": Example("funds", "光伏发电收益", "张某身份证号11010519491231002X"),
    "GK702": Example("funds", "光伏发电收益", "联系人电话13912345678"),
    "GK703": Example("funds", "光伏发电收益", "转入卡号4111111111111111"),
    "GK801": Example("decisions", "  budget: 120000.00", "  budget: 150000.00", published=True,
                     note="公开的预算是 120000.00，后来改成 150000.00，却没有写更正记录。要改，就像下面 c-2024-01 那样加上 amendments"),
    "GK802": Example("funds", "- id: f-2024-q2\n" + _Q2, "", published=True, at=("funds", 1),
                     note="已经公开的 2024 年第二季度被整条删掉了"),
    "GK803": Example("completed", "        - field: cost", "        - field: costs"),
    "GK804": Example("completed", "          old: 120500.00", "          old: 118000.00", published=True,
                     note="已经公开的更正记录被改了"),
    "GK901": Example("completed", _DECIDED, _DECIDED + _attachment("fujian/2024-jiesuan.jpg"), note="照片还没有放进 fujian/ 文件夹"),
    "GK902": Example("completed", _DECIDED, _DECIDED + _attachment("../../../jiesuan.jpg"), note="照片放在本村文件夹外面"),
    "GK903": Example("completed", _DECIDED, _DECIDED + _attachment("fujian/2024-jiesuan.jpg"),
                     files=((f"{VILLAGE_DIR}/fujian/2024-jiesuan.jpg", "html"),),
                     note="fujian/2024-jiesuan.jpg 名字是 .jpg，内容却是从微信存下来的一个网页"),
    "GK904": Example("completed", _DECIDED, _DECIDED + _attachment("fujian/2024-jiesuan.jpg"),
                     files=((f"{VILLAGE_DIR}/fujian/2024-jiesuan.jpg", "big"),), note="fujian/2024-jiesuan.jpg 有 21 MB"),
    "GK905": Example("completed", _DECIDED, _DECIDED + "".join(_attachment(f"fujian/2024-{i:02}.jpg", first=i == 1) for i in range(1, 14)),
                     files=tuple((f"{VILLAGE_DIR}/fujian/2024-{i:02}.jpg", "photo") for i in range(1, 14)),
                     note="一条记录列了 13 张照片"),
    "GK906": Example(create=f"{VILLAGE_DIR}/fujian/2024-jiesuan.jpg", files=((f"{VILLAGE_DIR}/fujian/2024-jiesuan.jpg", "photo"),),
                     note="fujian/ 里放了照片，却没有哪条记录的 attachments 列出它"),
    "GK907": Example("completed", _DECIDED, _DECIDED + _attachment("fujian/2024-jiesuan.jpg", redacted="否"),
                     files=((f"{VILLAGE_DIR}/fujian/2024-jiesuan.jpg", "photo"),), note="结算单上的身份证号还没遮挡"),
}
