"""The one definition of the data: the field types, and the files around the records (county,
township, village, attachments, corrections). Each record kind's fields are in its module in kinds/.

The checker converts nodes with it, the clerk's guide and the JSON Schema (schema_export.py) are read
from it. Never write a field list anywhere else.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gongkai.model import period
from gongkai.check import privacy
from gongkai.check.diagnostics import Diagnostic
from gongkai.load.reader import Node

MISSING = object()  # a value that failed to convert: the diagnostic is already out


class Ctx:
    """Where conversion is happening, and where its diagnostics go."""

    def __init__(self, path: str, diags: list[Diagnostic]):
        self.path = path
        self.diags = diags
        self.layout: tuple[Node, str] | None = None  # the first place the file departs from `gongkai fmt`'s layout

    def off_layout(self, node: Node, what: str) -> None:
        if self.layout is None or node.line < self.layout[0].line:
            self.layout = (node, what)

    def report(self, node: Node, code: str, message: str) -> object:
        self.diags.append(Diagnostic(self.path, node.line, node.col, code, message))
        return MISSING


# -- scalar types ---------------------------------------------------------------------------

_FULLWIDTH = re.compile(r"[０-９．－：]")
_ZH_DATE = re.compile(r"^\s*(\d{4})\s*[年/.．\-]\s*(\d{1,2})\s*[月/.．\-]\s*(\d{1,2})\s*日?\s*$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONEY = re.compile(r"-?\d{1,13}(\.\d{1,2})?", re.ASCII)  # ASCII: no full-width digits


def _scalar(node: Node, ctx: Ctx, label: str) -> str | object:
    if node.kind != "scalar":
        what = "一组字段" if node.kind == "map" else "一个列表"
        return ctx.report(node, "GK201", f"“{label}”应该是一个值，这里却写成了{what}")
    return node.value


class Type:
    """A scalar type: the schema, not YAML's guessing, decides what a value means."""

    json: dict = {}

    def convert(self, node: Node, ctx: Ctx, label: str) -> object:
        value = _scalar(node, ctx, label)
        return MISSING if value is MISSING else self.parse(value, node, ctx, label)

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        raise NotImplementedError


class Text(Type):
    json = {"type": "string"}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        for code, what in privacy.find(value):
            ctx.report(node, code, f"“{label}”里有{what}，不能公开")
        return value.strip()


class Phone(Text):
    """A public office phone: the one place a phone number may be published."""

    def parse(self, value, node, ctx, label):
        return value.strip()


class Code(Type):
    json = {"type": "string", "pattern": r"^[0-9]{12}$"}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        if node.plain:
            why = "开头的 0 会被当成数字丢掉" if value.startswith("0") else "不加引号会被当成数字"
            return ctx.report(node, "GK207", f"“{label}” {value} 没有加引号，{why}")
        if not re.fullmatch(r"[0-9]{12}", value):
            return ctx.report(node, "GK213", f"“{label}”应为 12 位数字，这里是“{value}”")
        return value


class Date(Type):
    json = {"type": "string", "format": "date"}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        text = unicodedata.normalize("NFKC", value)
        if _ISO_DATE.fullmatch(text) and text == value:
            try:
                return date.fromisoformat(text)
            except ValueError:
                return ctx.report(node, "GK204", f"“{label}”的日期 {value} 不存在")
        m = _ZH_DATE.match(text)
        if m:
            try:
                iso = date(int(m[1]), int(m[2]), int(m[3])).isoformat()
                return ctx.report(node, "GK204", f"“{label}”写成了“{value}”，应写成 {iso}")
            except ValueError:
                pass
        return ctx.report(node, "GK204", f"“{label}”的值“{value}”不是日期，应写成 2024-03-05 这样")


class Money(Type):
    json = {"type": "number"}  # no multipleOf 0.01: validators get it wrong with binary floats

    def __init__(self, signed: bool = False):
        self.signed = signed
        if not signed:
            self.json = {**self.json, "minimum": 0}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        text = value.strip()
        if node.plain and _MONEY.fullmatch(text):
            amount = Decimal(text)
            if amount < 0 and not self.signed:
                return ctx.report(node, "GK205", f"“{label}”不能是负数")
            return amount
        if not node.plain and _MONEY.fullmatch(text):
            return ctx.report(node, "GK205", f"“{label}”是金额，不要加引号")
        if _FULLWIDTH.search(text):
            fixed = unicodedata.normalize("NFKC", text)
            return ctx.report(node, "GK205", f"“{label}”用了全角数字“{text}”，应写成半角 {fixed}")
        if any(s in text for s in "¥￥元"):
            return ctx.report(node, "GK205", f"“{label}”不要写“¥”或“元”，只写数字")
        if "万" in text:
            return ctx.report(node, "GK205", f"“{label}”要换算成元，不要写“万”")
        if "," in text or "，" in text:
            return ctx.report(node, "GK205", f"“{label}”不要写千位分隔符逗号")
        if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", text):
            return ctx.report(node, "GK205", f"“{label}” {text} 超过两位小数（精确到分）")
        if re.fullmatch(r"-?[0-9]{14,}(\.[0-9]*)?", text):
            return ctx.report(node, "GK205", f"“{label}”的数字太大了，请核对")
        return ctx.report(node, "GK205", f"“{label}”的值“{text}”不是金额")


class Count(Type):
    json = {"type": "integer", "minimum": 0}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        if node.plain and re.fullmatch(r"[0-9]{1,9}", value):
            return int(value)
        if node.plain and re.fullmatch(r"[0-9]+", value):
            return ctx.report(node, "GK206", f"“{label}”的数字太大了，请核对")
        if _FULLWIDTH.search(value):
            return ctx.report(node, "GK206", f"“{label}”用了全角数字“{value}”，应写成 {unicodedata.normalize('NFKC', value)}")
        return ctx.report(node, "GK206", f"“{label}”应为整数，这里是“{value}”")


class Bool(Type):
    json = {"type": "boolean"}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        if node.plain and value in ("true", "True", "false", "False"):
            return value.lower() == "true"
        return ctx.report(node, "GK210", f"“{label}”应写 true 或 false，这里是“{value}”")


class Statement(Type):
    """A statement the clerk must make: only its one word (是) passes."""

    def __init__(self, word: str, refusal: str):
        self.word, self.refusal = word, refusal
        self.json = {"type": "string", "enum": [word]}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        if value.strip() != self.word:
            return ctx.report(node, "GK907", f"“{label}”写的是“{value}”：{self.refusal}")
        return self.word


class Choice(Type):
    def __init__(self, options: tuple[str, ...]):
        self.options = options
        self.json = {"type": "string", "enum": list(options)}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        if value.strip() not in self.options:
            return ctx.report(node, "GK208", f"“{label}”不能是“{value}”，可选：{'、'.join(self.options)}")
        return value.strip()


ID_MAX = 40
# Windows makes no file or folder of these names, in any case: a clerk's checkout or preview there
# would fail on a village or record called so.
WINDOWS_NAMES = re.compile(r"con|prn|aux|nul|com[0-9]|lpt[0-9]")  # use with fullmatch
ID_PATTERN = re.compile(  # use with fullmatch
    rf"(?!(?:{WINDOWS_NAMES.pattern})$)[a-z0-9](?:[a-z0-9-]{{0,{ID_MAX - 2}}}[a-z0-9])?"
)


def id_problem(value: str) -> str | None:
    """What keeps `value` from being a record id or folder name (a part of the site's URLs), or None."""
    if ID_PATTERN.fullmatch(value):
        return None
    if WINDOWS_NAMES.fullmatch(value.lower()):
        return "是 Windows 的保留名，不能用作文件夹名，请换一个"
    if len(value) > ID_MAX and ID_PATTERN.fullmatch(value[:ID_MAX]):
        return f"太长了（{len(value)} 个字符），最多 {ID_MAX} 个"
    return "只能用小写英文字母、数字和连字符"


class Id(Type):
    """Record ids and folder names become URLs: keep them to a safe alphabet."""

    json = {"type": "string", "pattern": f"^{ID_PATTERN.pattern}$"}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        problem = id_problem(value)
        if problem:
            return ctx.report(node, "GK211", f"“{label}”“{value}”{problem}")
        return value


class Period(Type):
    json = {"type": "string", "pattern": period.PATTERN.pattern}

    def parse(self, value: str, node: Node, ctx: Ctx, label: str) -> object:
        written = period.Period.parse(value)
        if written is None or not 1949 <= written.year <= 2100:
            return ctx.report(node, "GK404", f"“{label}”“{value}”不是期间，按季写 2024-Q1，按月写 2024-03")
        return written


# -- structure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    type: Type | "Spec" | "ListOf"
    label: str
    help: str = ""
    required: bool = False


@dataclass(frozen=True)
class ListOf:
    item: Type | "Spec"
    label: str = ""


class Spec:
    """A mapping with known fields, converted into an instance of `model`."""

    by_name: dict[str, "Spec"] = {}  # records name their spec when pickled (the parse cache, worker processes)

    def __init__(self, name: str, label: str, fields: list[Field], model=None):
        assert name not in Spec.by_name, name
        Spec.by_name[name] = self
        self.name = name
        self.label = label
        self.fields = {f.key: f for f in fields}
        self.order = {key: i for i, key in enumerate(self.fields)}  # the canonical key order (gongkai fmt)
        self.model = model

    def convert(self, node: Node, ctx: Ctx, label: str | None = None) -> object:
        label = label or self.label
        if node.kind != "map":
            what = "一个列表" if node.kind == "seq" else f"“{node.value}”"
            return ctx.report(node, "GK201", f"“{label}”应该是一组“字段: 值”，这里却是{what}")
        values: dict[str, object] = {}
        lines: dict[str, tuple[int, int]] = {}
        order, last = self.order, None  # the known key written last, and where it stands in the schema
        for key, (knode, vnode) in node.value.items():
            f = self.fields.get(key)
            if vnode.kind != "scalar" and vnode.line != knode.line and vnode.col != knode.col + 2:
                ctx.off_layout(vnode, f"“{key}”下面的内容应比它多缩进两个空格")
            if f is not None:
                if last is not None and order[key] < order[last]:
                    ctx.off_layout(knode, f"“{key}”按规范的顺序应写在“{last}”前面")
                last = key
                if type(f.type) is Id and not vnode.plain:
                    ctx.off_layout(vnode, f"“{key}”的编号不用加引号")
            if f is None:
                close = difflib.get_close_matches(key, self.fields, n=1, cutoff=0.6)
                hint = f"，是不是“{close[0]}”？" if close else f"，{self.label}可用的字段：{'、'.join(self.fields)}"
                ctx.report(knode, "GK203", f"{self.label}里没有“{key}”这个字段{hint}")
                continue
            # where a diagnostic about the field points: at its value, or at its name when the value is
            # a block of fields or a list (a step written without its 审议, a ledger without a row)
            lines[key] = (vnode.line, vnode.col) if vnode.kind == "scalar" else (knode.line, knode.col)
            if vnode.kind == "scalar" and vnode.plain and vnode.value in ("", "~", "null"):
                continue  # an empty value is a missing value
            value = convert(f.type, vnode, ctx, f.label)
            if f.required and type(value) is str and blank(value):
                said = f"写的“{value.strip()}”" if value.strip() else "只有引号或空格"
                value = ctx.report(vnode, "GK202", f"{label}的“{f.label}”（{f.key}）必须填写，{said}不算填写")
            values[key] = value
        for f in self.fields.values():
            if f.required and f.key not in values:
                where = node if f.key not in lines else node.value[f.key][1]
                ctx.report(where, "GK202", f"{label}缺少“{f.label}”（{f.key}）")
        if any(v is MISSING for v in values.values()) or any(
            f.required and f.key not in values for f in self.fields.values()
        ):
            # keep going with what converted: later rules skip fields that are None
            values = {k: (None if v is MISSING else v) for k, v in values.items()}
            values["_broken"] = True
        return (self.model or Record)(values, self, ctx.path, node.line, lines)

    def placeholder(self, path: str) -> Record:
        """An empty record standing in for a file that did not load, so checking goes on below it."""
        return (self.model or Record)({"_broken": True}, self, path, 1, {})


def convert(t, node: Node, ctx: Ctx, label: str) -> object:
    if isinstance(t, ListOf):
        if node.kind != "seq":
            return ctx.report(node, "GK201", f"“{label}”应该是一个列表（每项以“- ”开头）")
        out = [convert(t.item, n, ctx, t.label or label) for n in node.value]
        if any(n.kind == "map" and n.col != node.col + 2 for n in node.value):
            ctx.off_layout(node, "列表每项的字段应写在“- ”后面，比“- ”多缩进两个空格")
        return [x for x in out if x is not MISSING]
    return t.convert(node, ctx, label)


# what people write in a box they have nothing for: a required field so filled is not filled
NOTHING = frozenset({"无", "暂无", "没有", "空", "略", "待定", "待填", "待补", "不详", "未填", "-", "--", "—", "——", "/", "、", "。", "…", "...", "？", "?", "xx", "XX", "××", "TBD", "N/A", "n/a", "NA"})


def blank(text: str) -> bool:
    """A required text left empty in effect: nothing but spaces, or a word for nothing."""
    t = text.strip(" \t\u3000")
    return not t or t.rstrip("。.") in NOTHING or t in NOTHING


class Record:
    """A converted mapping: attributes for every field of its spec, and where it came from."""

    def __init__(self, values: dict, spec: Spec, path: str, line: int, lines: dict[str, tuple[int, int]]):
        for key in spec.fields:
            setattr(self, key, None)
        self.broken = bool(values.pop("_broken", False))
        self.__dict__.update(values)
        self.spec = spec
        self.path = path
        self.line = line
        self.lines = lines

    def line_of(self, key: str) -> int:
        return self._lines().get(key, (self.line, 1))[0]

    def col_of(self, key: str) -> int:
        return self._lines().get(key, (self.line, 1))[1]

    def _lines(self) -> dict[str, tuple[int, int]]:
        if type(self.lines) is str:  # as pickled: unpacked when a diagnostic first needs it
            parts = self.lines.split()
            self.lines = {parts[i]: (int(parts[i + 1]), int(parts[i + 2])) for i in range(0, len(parts), 3)}
        return self.lines

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'id', '')} {self.path}:{self.line}>"

    def __reduce__(self):
        # The spec travels by name: it is code, the same in every process.
        state = dict(self.__dict__)
        spec = state.pop("spec")
        # positions as one string ("id 3 5 title 4 7"), not a tuple and two ints per field: a county's
        # records have millions of them, and the parse cache unpickles them all on every build
        if type(self.lines) is dict:
            state["lines"] = " ".join(f"{k} {line} {col}" for k, (line, col) in self.lines.items())
        return _restore, (type(self), spec.name, state)


def _restore(cls, spec_name: str, state: dict) -> Record:
    rec = cls.__new__(cls)
    rec.__dict__.update(state)
    rec.spec = Spec.by_name[spec_name]
    return rec


# -- the files around the records (the record kinds are in kinds/, each with its fields) ---------

PERSON = Spec("person", "人员", [
    Field("name", Text(), "姓名", "只写村干部或监委会成员的姓名，不写身份证号或私人手机号", True),
    Field("role", Text(), "职务", "公开职务，如 村党支部书记", True),
])
FIRST_SECRETARY = Spec("first_secretary", "驻村第一书记", [
    Field("name", Text(), "姓名", "", True),
    Field("unit", Text(), "派出单位", "如 县农业农村局", True),
])
DUTY = Spec("duty", "值班安排", [
    Field("day", Text(), "值班日", "如 周一、周末轮值", True),
    Field("name", Text(), "值班人", "村干部姓名", True),
])
RULES = Spec("rules", "县级规则", [
    Field("min_disclosure_days", Count(), "最短公示天数", "决议公开至少持续的天数；没有规定时常用 7 天"),
    Field("local_categories", ListOf(Text()), "本县增加的事项类别", "在法定类别之外，本县要求走四议两公开的事项，如 低保"),
    Field("funds_grace_days", Count(), "财务公开宽限天数", "一期结束后多少天内要公开；超过会提醒；不写时为 15 天"),
    Field("max_step_days", Count(), "两个步骤之间最多间隔的天数",
          "四议两公开的前后两步最多隔几天；实施结果公开从办结之日算起；超过的步骤在网站上标为逾期；不写时为 30 天"),
])
COUNTY = Spec("county", "县（county.yml）", [
    Field("name", Text(), "县名", "", True),
    Field("code", Code(), "统计用区划代码", "12 位数字，加英文双引号", True),
    Field("supervision_phone", Phone(), "监督电话", "县纪委监委或农业农村部门的公开电话", True),
    Field("report_phone", Phone(), "举报电话", "公开的举报电话", True),
    Field("sample", Bool(), "示例数据", "true 表示这是演示用的示例数据，每页都会标注"),
    Field("rules", RULES, "县级规则", "本县可配置的规则"),
])
DUBAN_REPLY = Spec("reply", "整改回复", [
    Field("date", Date(), "回复日期", "村里书面报回整改情况的日期", True),
    Field("summary", Text(), "整改情况", "村里报回的整改情况，摘要", True),
])
DUBAN = Spec("duban", "督办单", [
    Field("number", Count(), "编号", "当年第几号：督〔年份〕几号", True),
    Field("village", Text(), "村", "村的文件夹名，如 longwangmiao", True),
    Field("issued", Date(), "签发日期", "督办单上的日期；列出的问题按这一天核查", True),
    Field("signed", Date(), "签收日期", "村里签收的日期"),
    Field("reply", DUBAN_REPLY, "整改回复", "村里报回的整改情况"),
])
TOWNSHIP = Spec("township", "乡镇（township.yml）", [
    Field("name", Text(), "乡镇名", "", True),
    Field("code", Code(), "统计用区划代码", "12 位数字，加英文双引号", True),
    Field("supervision_phone", Phone(), "监督电话", "乡镇纪委的公开电话", True),
    Field("report_phone", Phone(), "举报电话", "公开的举报电话", True),
    Field("address", Text(), "地址", "乡镇政府地址"),
    Field("duban", ListOf(DUBAN), "督办单", "乡镇签发的督办单，签发后不再改：编号、村、签发日期，村里的签收和整改回复"),
])
VILLAGE = Spec("village", "村（village.yml）", [
    Field("name", Text(), "村名", "", True),
    Field("code", Code(), "统计用区划代码", "12 位数字，加英文双引号", True),
    Field("party_members", Count(), "党员人数", "党员大会的应到人数", True),
    Field("representatives", Count(), "村民代表人数", "村民代表会议的应到人数", True),
    Field("households", Count(), "户数", "村民会议按户代表计算时的应到数"),
    Field("adult_villagers", Count(), "年满十八周岁的村民人数", "村民会议的应到人数"),
    Field("one_person_both_posts", Bool(), "一肩挑", "村党支部书记和村委会主任由一人担任时写 true"),
    Field("high_volume", Bool(), "按月公开财务", "收支笔数多、需要每月公开财务的村写 true，否则按季度"),
    Field("office_phone", Phone(), "村委会办公电话", "公开的办公电话，不要写私人手机", True),
    Field("office_hours", Text(), "坐班时间", "如 周一至周五 8:30-12:00、14:30-17:30"),
    Field("cadres", ListOf(PERSON), "村干部", "姓名和公开职务", True),
    Field("first_secretary", FIRST_SECRETARY, "驻村第一书记", ""),
    Field("duty_roster", ListOf(DUTY), "值班表", "谁在哪天坐班"),
    Field("supervision_committee", ListOf(PERSON), "村务监督委员会", "成员姓名和职务"),
    Field("introduction", Text(), "村情简介", "一两句话介绍本村"),
])

ATTACHMENT = Spec("attachment", "附件", [
    Field("file", Text(), "文件", "照片（JPEG、PNG、HEIC）或扫描件（PDF），放在本村文件夹的 fujian/ 里，写成 fujian/2024-记-012.jpg", True),
    Field("caption", Text(), "说明", "一句话说这是什么，如 记-012 水泥款发票；网页上作为照片的文字说明，打印的公示按它列出附件", True),
    Field("redacted", Statement("是", "照片或扫描件里的身份证号、银行卡号、手机号、签名和人脸遮挡以后才能公开；遮挡好了写 是"),
          "已遮挡个人信息", "身份证号、银行卡号、手机号、签名等个人信息都已遮挡（涂掉或裁掉）时写 是", True),
])
# Photos and scans that prove a record: vouchers, minutes, the notice as posted (attach.py)
ATTACHMENTS = Field("attachments", ListOf(ATTACHMENT), "附件", "原始凭证、会议记录、张贴的公示等的照片或扫描件，每个一项；最多 12 个")

CHANGE = Spec("change", "改动的字段", [
    Field("field", Text(), "字段", "改了哪个字段，如 budget、resolution.agree、entries.3.expense（第 3 笔明细的支出）", True),
    Field("old", Text(), "原来的值", "改之前公开的值，照原样抄；原来没有这个字段时不写；gongkai check --since 会告诉你该写什么"),
])
AMENDMENT = Spec("amendment", "更正记录", [
    Field("date", Date(), "更正日期", "", True),
    Field("reason", Text(), "更正原因", "为什么改，如 录入错误，按会议记录更正", True),
    Field("changes", ListOf(CHANGE), "改动的字段", "每个改动的字段写一项", True),
])
# Published records are append-only: a later change to a field needs an entry here (see amendments.py).
AMENDMENTS = Field("amendments", ListOf(AMENDMENT), "更正记录", "公开以后改动或删除任何字段，都要在这里加一项；以前的更正记录不能改")
