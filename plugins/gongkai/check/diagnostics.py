"""Diagnostics: one object per problem, rendered as text, JSON or GitHub annotations.

Every code lives in CODES with a Chinese title and a fix hint, so the CLI, the MkDocs
build and the documentation all speak with one voice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    title: str  # what is wrong, in Chinese
    hint: str  # how to fix it, in Chinese


_CODES = [
    # GK1xx: the file itself
    Code("GK101", ERROR, "YAML 语法错误", "检查这一行及上一行的缩进、冒号和引号"),
    Code("GK102", ERROR, "文件编码不是 UTF-8", "用记事本打开文件，选“另存为”，编码选 UTF-8 后保存"),
    Code("GK103", ERROR, "缩进里有 Tab 制表符", "把行首的 Tab 换成空格（每级缩进两个空格）"),
    Code("GK104", ERROR, "文件太大", "按年份拆分成多个文件"),
    Code("GK105", ERROR, "文件是空的", "填写内容，或删除这个文件"),
    Code("GK106", ERROR, "不允许使用锚点、别名或合并键（&、*、<<）", "把内容直接写出来，不要引用别处"),
    Code("GK107", ERROR, "同一个字段写了两次", "删除重复的一行，只保留一个"),
    Code("GK108", ERROR, "一个文件只能有一份文档", "删除多余的“---”分隔线"),
    Code("GK109", ERROR, "不支持 YAML 标签（! 开头的写法）", "去掉 ! 开头的标签，直接写值"),
    Code("GK110", ERROR, "数据目录里有无法识别的文件或文件夹", "检查文件名；记录文件应放在 decisions/ funds/ pledges/ completed/ 下，以年份命名，如 2024.yml"),
    Code("GK111", ERROR, "缺少必需的文件", "按文书指南补上这个文件"),
    Code("GK112", ERROR, "文件里有看不见的特殊换行符", "删除这个字符（常见于从网页或 Word 复制来的文字），重新输入这一行"),
    Code("GK113", ERROR, "数据文件夹里有链接（快捷方式）", "把链接换成真正的文件或文件夹：数据只能放在 villages/ 里面"),
    Code("GK114", WARNING, "写法不是规范格式", "运行 gongkai fmt 文件名：按统一的写法整理缩进、字段顺序和编号、代码的引号，注释和空行保留；只是提醒，不影响发布"),
    # GK2xx: fields and types
    Code("GK201", ERROR, "结构不对", "对照文书指南中的示例检查缩进和“- ”列表符号"),
    Code("GK202", ERROR, "缺少必填字段", "补上这个字段"),
    Code("GK203", ERROR, "无法识别的字段", "检查字段名拼写"),
    Code("GK204", ERROR, "日期格式不对", "日期写成 2024-03-05 这样的格式"),
    Code("GK205", ERROR, "金额格式不对", "金额只写数字，单位是元，最多两位小数，如 12000.50"),
    Code("GK206", ERROR, "应为整数", "只写阿拉伯数字，如 35"),
    Code("GK207", ERROR, "代码必须加引号", "写成 code: \"411321104201\"，加上英文双引号"),
    Code("GK208", ERROR, "取值不在允许范围内", "从提示的选项中选一个"),
    Code("GK210", ERROR, "应为 true 或 false", "写 true（是）或 false（否）"),
    Code("GK211", ERROR, "编号格式不对", "只用小写英文字母、数字和连字符，如 d-2024-01"),
    Code("GK212", ERROR, "编号重复", "同一个村里每条记录的编号必须不同"),
    Code("GK213", ERROR, "区划代码格式不对", "统计用区划代码是 12 位数字"),
    Code("GK214", WARNING, "区划代码与上级不符", "村的代码前 9 位应与乡镇一致，乡镇前 6 位应与县一致"),
    Code("GK215", ERROR, "文件年份与内容不符", "把记录移到对应年份的文件里"),
    Code("GK216", ERROR, "文件夹名或编号和网站自己生成的文件夹重名", "换一个名字：文件夹用地名的拼音，编号照 d-2024-01 这样写；不要用 assets、search、data、ducha 这些网站自己用的名字，县文件夹也不要用网站已有页面的名字（如 guide）"),
    Code("GK217", ERROR, "搜索用的近义词表写法不对", "照 修路: [道路, 硬化] 这样写：冒号前是村民搜索时常说的词，方括号里是记录里写的词，用英文逗号分开"),
    # GK3xx: 四议两公开
    Code("GK301", ERROR, "步骤缺失或顺序不对", "按 提议→商议→审议→决议→决议公开→实施结果公开 的顺序填写"),
    Code("GK302", ERROR, "步骤日期倒退", "后一步的日期不能早于前一步"),
    Code("GK303", ERROR, "表决人数不合理", "赞成+反对+弃权 ≤ 实到 ≤ 应到"),
    Code("GK304", ERROR, "公示期不对", "公示结束日期不能早于开始日期，且决议公开应在决议之后"),
    Code("GK305", ERROR, "只有一肩挑的村才能合并提议和商议", "分别填写提议和商议两个步骤"),
    Code("GK306", ERROR, "到会人数不足法定人数", "党员大会、村民代表会议须有三分之二以上到会；村民会议须过半数到会；人数不足应另行召开"),
    Code("GK307", ERROR, "这一步没有通过，却继续了后面的步骤", "赞成票未过半数的事项不能进入下一步；核对票数"),
    Code("GK308", WARNING, "应到人数与本村人数不一致", "党员大会应到 = 党员人数；村民代表会议应到 = 村民代表人数（village.yml）"),
    # GK4xx: 财务公开
    Code("GK401", ERROR, "期初 + 收入 - 支出 ≠ 期末", "核对每笔金额和期初、期末余额"),
    Code("GK402", ERROR, "期初余额与上期期末余额不一致", "本期期初应等于上一期期末"),
    Code("GK403", ERROR, "明细日期不在本期内", "把这笔明细移到对应的期间"),
    Code("GK404", ERROR, "期间格式不对", "按季写 2024-Q1，按月写 2024-03"),
    Code("GK405", ERROR, "每笔明细只能填收入或支出之一", "收入填 income，支出填 expense，二选一"),
    Code("GK406", ERROR, "期间重复", "同一期间只写一次"),
    Code("GK407", ERROR, "财务公开期间不连续", "补上缺少的期间（没有收支也要公开，明细写 entries: []）"),
    Code("GK408", ERROR, "财务公开周期与本村不符", "按季度公开写 2024-Q1；按月公开（village.yml 中 high_volume: true）写 2024-03"),
    Code("GK409", ERROR, "凭证号在同一年里重复", "核对凭证号，同一年内每张凭证号不同"),
    Code("GK410", ERROR, "民主理财小组审核日期不对", "审核应在本期结束之后、公开之前"),
    Code("GK411", WARNING, "财务公开晚于规定时间", "本期结束后应在县里规定的天数内公开"),
    # GK5xx: 承诺事项
    Code("GK501", ERROR, "承诺日期不合理", "期限不能早于承诺日期"),
    Code("GK502", ERROR, "已兑现的承诺需要兑现日期和佐证", "填写 kept_on 和 evidence"),
    Code("GK503", ERROR, "承诺的兑现或调整日期不合理", "兑现日期、调整日期不能早于承诺日期，调整按时间先后写"),
    # GK6xx: 办结事项
    Code("GK601", ERROR, "关联的决策不存在", "decision 填本村已有决策的编号"),
    Code("GK602", ERROR, "办结日期早于决策的决议日期", "核对办结日期和决议日期"),
    Code("GK603", ERROR, "关联的决策还没有通过决议", "决策须经第 4 步决议通过后才能办结"),
    Code("GK604", ERROR, "督办单写的村不是本乡镇的村", "village 填本乡镇一个村的文件夹名，如 longwangmiao"),
    Code("GK605", ERROR, "督办单编号重复", "同一年的督办单按签发先后编号 1、2、3……，每份一个编号，签发后不再改"),
    Code("GK606", ERROR, "督办单的签收或回复日期早于签发日期", "核对签发、签收和回复的日期"),
    # GK7xx: 个人信息
    Code("GK701", ERROR, "出现了身份证号", "删除身份证号；需要时只写姓氏加“某”"),
    Code("GK702", ERROR, "出现了私人手机号", "删除手机号；公开电话只写在 office_phone 等电话字段里"),
    Code("GK703", ERROR, "出现了银行卡号", "删除银行卡号"),
    # GK8xx: 已公开的记录只能更正，不能悄悄改（gongkai check --since）
    Code("GK801", ERROR, "已公开的记录被改动，没有更正记录", "运行 gongkai amend 村文件夹 --since 已公开的版本 --reason 原因，自动写上；或在这条记录里加 amendments：写更正日期 date、原因 reason，changes 里写改动的字段 field 和原来的值 old"),
    Code("GK802", ERROR, "已公开的记录被删除", "已公开的记录不能删除；把它放回去，有错就用 amendments 更正"),
    Code("GK803", ERROR, "更正记录写得不对", "field 写记录里的字段（如 budget、resolution.agree、entries.3.expense），old 照原来公开的值抄"),
    Code("GK804", ERROR, "以前的更正记录被改动或删除", "更正记录也是公开的，只能在后面添加新的一项"),
    # GK9xx: 附件（照片和扫描件，attach.py）
    Code("GK901", ERROR, "找不到附件文件", "把照片或扫描件放进本村文件夹的 fujian/ 里，file 写成 fujian/文件名，核对文件名（包括 .jpg 这样的后缀）"),
    Code("GK902", ERROR, "附件不在本村的 fujian/ 文件夹里", "把文件复制进本村文件夹的 fujian/ 里（不要用链接或快捷方式），file 写成 fujian/文件名"),
    Code("GK903", ERROR, "附件不是能公开的照片或 PDF", "只收手机照片（JPEG、PNG、HEIC）和扫描的 PDF；按文件内容判断，改文件名没有用，请重新拍照或导出"),
    Code("GK904", ERROR, "附件文件太大", "一个附件不超过 20 MB：手机照片用原图即可，扫描件降低分辨率（300 dpi 足够）重新导出"),
    Code("GK905", ERROR, "一条记录的附件太多", "一条记录最多 12 个附件：把多张凭证扫描成一个 PDF"),
    Code("GK906", WARNING, "fujian/ 里有没用到的文件", "在对应记录的 attachments 里列出它，或把它从 fujian/ 里移走；没列出的文件不会公开"),
    Code("GK907", ERROR, "附件里的个人信息还没遮挡", "把照片上的身份证号、银行卡号、手机号、签名和人脸涂掉或裁掉，再写 redacted: 是"),
]
CODES: dict[str, Code] = {c.code: c for c in _CODES}


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    col: int  # 1-based
    code: str
    message: str  # the specific problem, in Chinese
    severity: str = ""

    def __post_init__(self):
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code].severity)

    @property
    def hint(self) -> str:
        return CODES[self.code].hint

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def display_path(path: str | Path) -> str:
    """Paths relative to the working directory when possible: what a clerk can click."""
    p = str(path)
    try:
        rel = os.path.relpath(p)
    except ValueError:
        return p
    return p if rel.startswith("..") else rel


def format_text(diags: list[Diagnostic]) -> str:
    """One line per problem, files separated by a blank line, then a summary."""
    lines: list[str] = []
    previous = None
    for d in sorted(diags):
        if previous is not None and d.path != previous:
            lines.append("")
        previous = d.path
        lines.append(
            f"{display_path(d.path)}:{d.line}:{d.col}: {d.severity} {d.code} {d.message}"
            f"（{d.hint}）"
        )
    lines.append(summary(diags))
    return "\n".join(lines)


def summary(diags: list[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    files = len({d.path for d in diags})
    if not diags:
        return "检查通过：没有发现问题。"
    return f"共 {errors} 个错误，{warnings} 个警告，涉及 {files} 个文件。"


def format_json(diags: list[Diagnostic]) -> str:
    return json.dumps(
        [
            {
                "path": display_path(d.path),
                "line": d.line,
                "column": d.col,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
            }
            for d in sorted(diags)
        ],
        ensure_ascii=False,
        indent=2,
    )


def format_github(diags: list[Diagnostic]) -> str:
    out = []
    for d in sorted(diags):
        level = "error" if d.is_error else "warning"
        msg = f"{d.code} {d.message}（{d.hint}）".replace("%", "%25").replace("\n", "%0A")
        out.append(f"::{level} file={display_path(d.path)},line={d.line},col={d.col}::{msg}")
    return "\n".join(out)


def at(rec, key: str | None, code: str, message: str, severity: str = "") -> Diagnostic:
    """A diagnostic at a record's field `key` (its line and column), or at the record when key is None."""
    if key:
        return Diagnostic(rec.path, rec.line_of(key), rec.col_of(key), code, message, severity)
    return Diagnostic(rec.path, rec.line, 1, code, message, severity)
