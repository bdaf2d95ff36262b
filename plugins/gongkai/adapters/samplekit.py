"""The pieces both sample generators build a village's year from: people, the 4+2 meetings and
their votes, everyday matters, pledges, small completed jobs, and the records they become.

Shared by `gongkai sample` (sample.py: villages invented at any size) and tools/make_sample.py
(the hand-crafted sample in villages/, from published news reports), so that one piece of code
says what a lawful vote or a kept pledge looks like. Every choice comes from the `rng` passed in
(random.Random, never the global one) and every "has it happened yet" from an `AsOf`, never the
machine's clock: the same seed and day give the same bytes.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta

from gongkai.model.period import Period
from gongkai.kinds.decisions import RESOLUTION
from gongkai.kinds.funds import FUND_CATEGORIES
from gongkai.kinds.suggestions import CHANNELS, REPLY_DAYS, SUGGESTION  # the sample counties set no reply days: the default
from gongkai.load.yamltext import Money, Plain, Quoted

NUM = "一二三四五六七八九十"
MIN_DAYS = 7  # rules.min_disclosure_days of every sample county
# the categories a sample county adds to the statutory ones: the everyday matters below use them
LOCAL_CATEGORIES = ["低保", "救灾救济", "集体借贷", "村庄规划"]


@dataclass(frozen=True)
class AsOf:
    """The day a sample is "as of": nothing that happened is later than `last_done`."""

    today: date
    last_done: date


# -- people ---------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
MALE = ("建国 国强 志刚 海涛 永军 新民 保国 卫东 明亮 建华 振华 德胜 长青 文杰 俊峰 晓东 国庆 学军 天明 书亮 志勇 保林 "
        "广平 东升 爱民 立新 向阳 红旗 玉林 春生 金山 宏伟 建设 胜利 中华 永强 海军 清华 全福 少华 云鹏 家豪 晨阳").split()
FEMALE = "玉兰 秀梅 桂芳 丽娟 春燕 海燕 慧敏 红霞 艳丽 秀英 凤琴 翠萍 雪梅 晓丽 金花 爱华 巧云 冬梅 彩霞 静怡".split()
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组"]


class Names:
    def __init__(self, rng: random.Random, surname: str):
        self.rng = rng
        self.surname = surname
        self.used: set[str] = set()

    def full(self, female: bool = False, local: float = 0.5) -> str:
        while True:
            s = self.surname if self.rng.random() < local else self.rng.choice(SURNAMES)
            name = s + self.rng.choice(FEMALE if female else MALE)
            if name not in self.used:
                self.used.add(name)
                return name

    def private(self) -> str:
        """A private person in a ledger: surname + 某, never a full name."""
        s = self.surname if self.rng.random() < 0.5 else self.rng.choice(SURNAMES[:40])
        return s + "某"


def make_people(v: dict, county: dict, rng: random.Random) -> dict:
    names = Names(rng, v["surname"])
    big = v["households"] >= 700
    top, mid, low = county["pay"]
    if v["both"]:
        roles = [("村党支部书记、村委会主任", top, False), ("村党支部副书记", mid, False)]
    else:
        roles = [("村党支部书记", top, False), ("村委会主任", top, False), ("村党支部副书记", mid, False)]
    roles.append(("村委会副主任", mid, False) if big else ("村党支部委员", low, False))
    roles += [("村委委员、妇联主席", low, True), ("村委委员、报账员", low, False)]
    cadres = [dict(name=names.full(female), role=role, pay=pay) for role, pay, female in roles]
    fs = dict(name=names.full(local=0.0), unit=rng.choice(county["units"]))
    committee = [dict(name=names.full(), role="村务监督委员会主任"),
                 dict(name=names.full(female=True), role="村务监督委员会委员"),
                 dict(name=names.full(), role="村务监督委员会委员")]
    days = ["周一", "周二", "周三", "周四", "周五"]
    order = cadres[:]
    rng.shuffle(order)
    roster = [dict(day=d, name=order[i % len(order)]["name"]) for i, d in enumerate(days)]
    weekend = rng.sample(cadres, 2)
    roster.append(dict(day="周末轮值", name=f"{weekend[0]['name']}、{weekend[1]['name']}"))
    return dict(cadres=cadres, first_secretary=fs, committee=committee, roster=roster, names=names,
                branch=7 if v["party_members"] >= 45 else 5, two=9 if big else 7)


def office_phone(county: dict, rng: random.Random) -> Quoted:
    rest = county["digits"] - len(county["lead"])
    return Quoted(f"{county['area']}-{county['lead']}{rng.randint(10 ** (rest - 1), 10 ** rest - 1)}")


# -- helpers --------------------------------------------------------------------------------


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def yuan_text(fen: int) -> str:
    """Amounts inside sentences: 600万元, 12.8万元, 4430元, 1234.50元."""
    y, f = divmod(fen, 100)
    if f == 0 and y >= 10000 and y % 100 == 0:
        return f"{y / 10000:g}万元"
    return f"{y}元" if f == 0 else f"{y}.{f:02d}元"


def fen(rng: random.Random, lo: int, hi: int, cents: bool = False, factor: float = 1.0) -> int:
    """A random amount between lo and hi yuan (times factor), in fen."""
    base = rng.uniform(lo, hi) * factor
    if cents:
        return int(round(base * 100))
    if hi >= 5000 and lo != hi:
        return int(round(base / 100)) * 10000
    if lo != hi:
        return int(round(base / 10)) * 1000
    return int(round(base)) * 100


def rdate(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# -- decisions ------------------------------------------------------------------------------
# Generic matters every village has from time to time. A builder returns a D(...) for
# (village, year, rng, names).


def D(year, month, title, category, origin, budget, summary, **kw):
    """A decision to ship. Projects (work=days) are built and paid; others take `result`."""
    return dict(year=year, month=month, title=title, category=category, origin=origin,
                budget=budget, summary=summary, **kw)


def _g(rng):
    return rng.choice(GROUPS[:6])


def g_dibao(v, y, rng, names):
    n, a, b = rng.randint(6, 14), rng.randint(1, 4), rng.randint(1, 3)
    return D(y, rng.randint(3, 5), f"{y}年度农村低保对象民主评议", "低保", "上级安排", None,
             f"对本年度申请低保的{n}户入户核查后民主评议；公示只写户主姓氏和保障人数，不公开身份证号、电话、银行卡和病情。",
             result=f"经乡镇审核，新纳入{a}户、退出{b}户，结果已在公开栏公示7天，无异议。", result_after=35)


def g_zhaiji(v, y, rng, names):
    n = rng.randint(2, 5)
    return D(y, rng.randint(3, 9), f"{y}年宅基地申请审核（{n}户）", "宅基地使用", "村干部提议", None,
             f"{names.private()}等{n}户符合“一户一宅”条件，申请在村庄规划确定的建房区内建房，每户面积不超过县定标准。",
             result=f"已报乡镇审批，{n}户均已取得农村宅基地批准书，四至在公开栏公示。", result_after=45)


def g_lights(v, y, rng, names):
    g, n = _g(rng), rng.choice([20, 24, 30, 36, 40])
    return D(y, rng.randint(3, 9), f"{g}安装太阳能路灯{n}盏", "公益事业", "党员群众建议", n * 1600,
             f"{g}群众反映晚上出行不便，拟在主要道路安装太阳能路灯{n}盏。", work=rng.randint(30, 50),
             done=f"{g}太阳能路灯{n}盏安装完成")


def g_road(v, y, rng, names):
    g, km = _g(rng), rng.choice([0.6, 0.8, 0.9, 1.2])
    budget = int(km * 150000 / 1000) * 1000
    return D(y, rng.randint(3, 8), f"{g}道路硬化", "公益事业", "党员群众建议", budget,
             f"{g}道路{km}公里仍是土路，雨天泥泞，拟硬化，宽3.5米。", work=rng.randint(50, 90),
             grant=int(budget * 0.8 / 1000) * 1000, done=f"{g}道路{km}公里硬化完成")


def g_ditch(v, y, rng, names):
    g = _g(rng)
    budget = rng.randint(30, 70) * 1000
    return D(y, rng.randint(3, 6), f"{g}排水沟清淤和硬化", "公益事业", "党员群众建议", budget,
             f"{g}排水沟淤塞，汛期容易倒灌，拟清淤并对破损段硬化。", work=rng.randint(25, 45),
             done=f"{g}排水沟清淤硬化完成")


def g_bridge(v, y, rng, names):
    g = _g(rng)
    return D(y, rng.randint(3, 8), f"一事一议：{g}生产桥修缮", "筹资筹劳", "党员群众建议", 60000,
             f"{g}生产桥桥面破损，农机通行有安全隐患；按一事一议办法，每人筹资不超过15元、每个劳力筹劳不超过2个工日，申请财政奖补资金4万元。",
             work=rng.randint(40, 60), grant=40000, done=f"{g}生产桥修缮完成")


def g_plan(v, y, rng, names):
    return D(y, rng.randint(3, 6), "编制村庄规划", "村庄规划", "上级安排", None,
             "按照县里统一部署编制村庄规划，明确宅基地、公共服务设施和产业用地布局，规划草案公示30天。",
             result="村庄规划草案已公示30天，群众意见已汇总答复，报乡镇审查。", result_after=110)


def g_flood(v, y, rng, names):
    n = rng.randint(12, 40)
    amt = n * rng.choice([500, 600, 800])
    return D(y, rng.randint(7, 8), f"{y}年汛期受灾群众救助资金分配", "救灾救济", "上级安排", amt,
             f"汛期强降雨造成本村{n}户房屋、庄稼不同程度受灾，上级下拨救灾资金{amt}元，拟按受灾程度分三档发放，直接打卡到户。",
             result=f"救灾资金{amt}元已全部打卡发放到{n}户，发放情况（只列户主姓氏和金额）在公开栏公示7天。", result_after=20)


def g_garbage(v, y, rng, names):
    return D(y, rng.randint(3, 9), "购置垃圾转运车和分类垃圾桶", "公益事业", "村干部提议", 38000,
             "村里垃圾桶破损多，清运靠人力，拟购置电动垃圾转运车1辆、分类垃圾桶120个。",
             work=rng.randint(20, 35), asset=True, done="电动垃圾转运车1辆、分类垃圾桶120个已配发使用")


def g_gym(v, y, rng, names):
    return D(y, rng.randint(3, 9), "文化广场更新健身器材", "公益事业", "党员群众建议", 26000,
             "广场健身器材使用多年，部分损坏，拟更换10件。", work=rng.randint(20, 40), asset=True,
             done="健身器材10件更换完成")


def g_water(v, y, rng, names):
    g = _g(rng)
    return D(y, rng.randint(3, 9), f"{g}饮水管网更换", "公益事业", "党员群众建议", 75000,
             f"{g}饮水管网老化漏水，夏季用水高峰时断水，拟更换主管道约1200米。", work=rng.randint(40, 60),
             grant=60000, done=f"{g}饮水主管道更换约1200米，供水恢复正常")


def g_fence(v, y, rng, names):
    return D(y, rng.randint(3, 5), "村内坑塘安装护栏和警示牌", "公益事业", "党员群众建议", 18000,
             "村内坑塘多处没有护栏，存在安全隐患，拟汛期前安装护栏和警示牌。", work=rng.randint(20, 30),
             done="村内坑塘护栏和警示牌安装完成")


def g_loan(v, y, rng, names):
    return D(y, rng.randint(3, 5), "村股份经济合作社向农商银行借款10万元", "集体借贷", "村干部提议", 100000,
             "为购置农资统一服务设备，村股份经济合作社拟向县农商银行借款10万元，期限1年，用集体收入按期归还，不由村民个人担保。",
             result="借款10万元已到账并用于购置设备，按合同到期归还本息。", result_after=30, loan=100000)


def g_sanitation(v, y, rng, names):
    return D(y, rng.randint(3, 9), "公共厕所改造", "公益事业", "党员群众建议", 45000,
             "村内两座旱厕卫生差，拟改造为水冲式公共厕所。", work=rng.randint(40, 60),
             done="两座公共厕所改造为水冲式并投入使用")


GENERIC = {
    "dibao": (g_dibao, True), "zhaiji": (g_zhaiji, True), "lights": (g_lights, False), "road": (g_road, False),
    "ditch": (g_ditch, False), "bridge": (g_bridge, False), "plan": (g_plan, False), "flood": (g_flood, False),
    "garbage": (g_garbage, False), "gym": (g_gym, False), "water": (g_water, False), "fence": (g_fence, False),
    "loan": (g_loan, False), "sanitation": (g_sanitation, False),
}


def pay_decision(v: dict, county: dict, people: dict, year: int, rng: random.Random) -> dict:
    top, mid, low = county["pay"]
    n = len(people["cadres"])
    total = 12 * sum(c["pay"] for c in people["cadres"])
    extra = ""
    if county.get("office_fund_label"):  # a county that names the fund announces it with the pay
        office = county["office_fund"][0 if v["households"] >= 600 else 1] * 4
        extra = f"{county['office_fund_label']}每年{yuan_text(office * 100)}。"
    return D(year, 1, f"{year}年度村干部误工补贴发放方案", "误工补贴", "上级安排", total,
             f"按县定标准：村党支部书记、村委会主任每月{top}元，副职每月{mid}元，委员每月{low}元；本村村干部{n}人，全年合计{total}元，由乡镇财政所按季度拨付、村里发放。{extra}",
             result=f"全年按季度发放村干部误工补贴{total}元，明细见各季度财务公开。", yearend=True, day=(8, 20))


ORIGIN_PHRASE = {"党员群众建议": "党员群众多次提出建议", "村干部提议": "村干部提议", "上级安排": "按照上级工作安排"}


class Book:
    """Page numbers in a village's meeting record books, one set of books per year."""

    def __init__(self):
        self.pages: dict[tuple[int, str], int] = {}

    def page(self, year: int, book: str, rng: random.Random) -> str:
        n = self.pages.get((year, book), 0) + rng.randint(1, 3)
        self.pages[(year, book)] = n
        return f"{year}年{book}记录第{n}页"


def votes(rng, expected, kind):
    """Realistic, lawful turnout and votes for one meeting."""
    if kind in ("branch", "two"):
        present = expected - (1 if rng.random() < 0.25 else 0)
        against, abstain = 0, 1 if rng.random() < 0.15 else 0
    elif kind == "review":
        present = max(ceil_div(2 * expected, 3), min(expected, round(expected * rng.uniform(0.78, 0.96))))
        against, abstain = rng.choice([0, 0, 0, 1]), rng.choice([0, 0, 1, 2])
    elif kind == "reps":
        present = max(ceil_div(2 * expected, 3), min(expected, round(expected * rng.uniform(0.8, 0.97))))
        against, abstain = rng.choice([0, 0, 0, 1, 2]), rng.choice([0, 0, 1, 2])
    else:  # 村民会议, counted by households
        present = max(ceil_div(2 * expected, 3), round(expected * rng.uniform(0.7, 0.82)))
        against, abstain = rng.randint(0, present // 40), rng.randint(0, present // 30)
    agree = present - against - abstain
    assert against + abstain + agree <= present <= expected
    if kind == "review":
        assert 3 * present >= 2 * expected and 2 * agree > expected
    if kind in ("reps", "households"):
        assert 3 * present >= 2 * expected and 2 * agree > present
    return dict(expected=expected, present=present, agree=agree, against=against, abstain=abstain)


def schedule(spec: dict, v: dict, county: dict, people: dict, book: Book, rng: random.Random, asof: AsOf,
             proposal_day: date | None = None, min_days: int = MIN_DAYS) -> dict:
    """Dates, meetings and (for works) completion of one decision; no ids yet.

    Steps that would fall after `asof.last_done` are left out: the matter is still under way.
    """
    y = spec["year"]
    lo, hi = spec.get("day", (6, 24))
    p = proposal_day or date(y, spec["month"], rng.randint(lo, hi))
    dec = dict(spec=spec, proposal_date=p, steps={})
    title = spec["title"]
    mode = county["three_party"]
    if mode == "all" or (mode == "projects" and spec.get("work")):
        t = p - timedelta(days=rng.randint(1, 3))
        dec["steps"]["three_party"] = dict(
            date=t, summary=f"村党支部、村委会和村务监督委员会三方议事，就“{title}”的必要性、资金来源和监督办法交换意见，同意提交支部会议。",
            minutes=book.page(y, "三方议事", rng))
    merged = v["both"] and rng.random() < 0.35
    origin = ORIGIN_PHRASE[spec["origin"]]
    if merged:
        m = votes(rng, people["two"], "two")
        dec["steps"]["proposal"] = dict(
            date=p, **m, summary=f"村党支部书记、村委会主任一肩挑，提议和商议合并召开村“两委”联席会议：{origin}，会议研究提出“{title}”议题并拟定初步方案，同意提交党员大会审议。",
            minutes=book.page(y, "“两委”联席会议", rng), merged_consultation=True)
        last = p
    else:
        m = votes(rng, people["branch"], "branch")
        dec["steps"]["proposal"] = dict(
            date=p, **m, summary=f"{origin}，支部会议研究认为确有必要，同意提出“{title}”议题并拟定初步方案，提交村“两委”商议。",
            minutes=book.page(y, "党支部会议", rng))
        c = p + timedelta(days=rng.randint(1, 3))
        m = votes(rng, people["two"], "two")
        detail = rng.choice(["对资金来源和施工监督作了补充", "明确由村务监督委员会全程监督", "对方案逐项商议，未作修改",
                             "补充了公开公示的时间和地点", "明确了具体负责的村干部"])
        dec["steps"]["consultation"] = dict(
            date=c, **m, summary=f"村“两委”联席会议商议“{title}”{'' if title.endswith('方案') else '方案'}，{detail}，同意提交党员大会审议。",
            minutes=book.page(y, "“两委”联席会议", rng))
        last = c
    r = last + timedelta(days=rng.randint(2, 5))
    m = votes(rng, v["party_members"], "review")
    body = spec.get("body", "村民代表会议")
    dec["steps"]["review"] = dict(date=r, **m, summary=f"党员大会审议，同意将方案提交{body}表决。",
                                  minutes=book.page(y, "党员大会", rng))
    if body == "村民会议":
        res = r + timedelta(days=rng.randint(11, 13))  # notice 10 days ahead (Art. 22)
        m = votes(rng, v["households"], "households")
        how = f"会议提前10天通知，按户计算，{m['present']}户代表参会，"
    else:
        res = r + timedelta(days=rng.randint(1, 4))
        m = votes(rng, v["representatives"], "reps")
        how = ""
    dec["steps"]["resolution"] = dict(
        date=res, **m, summary=f"{body}表决，{how}赞成{m['agree']}票，通过“{title}”。",
        minutes=book.page(y, body, rng), body=body)
    start = res + timedelta(days=rng.randint(0, 2))
    end = start + timedelta(days=min_days - 1 + rng.randint(0, 3))
    dec["steps"]["resolution_disclosure"] = dict(start=start, end=end, where=county["where"])
    # drop whatever has not happened yet
    keys = list(dec["steps"])
    for i, key in enumerate(keys):
        step = dec["steps"][key]
        if (step.get("date") or step.get("start")) > asof.last_done:
            for k in keys[i:]:
                del dec["steps"][k]
            break
    assert "proposal" in dec["steps"], title
    disc = dec["steps"].get("resolution_disclosure")
    dec["disclosed"] = disc["end"] if disc else None
    if disc and spec.get("work"):
        budget = spec["budget"] * 100
        direct = spec.get("direct", 0) * 100
        ratio = rng.uniform(0.9, 0.99)
        rest = int((budget - direct) * ratio)
        rest = rest - rest % (10000 if budget >= 100000000 else 100)
        dec["cost"] = direct + rest
        dec["ledger_cost"] = rest
        done = disc["end"] + timedelta(days=spec["work"] + rng.randint(-5, 10))
        dec["completed_on"] = done if done <= asof.last_done else None
    return dec


# -- pledges --------------------------------------------------------------------------------
# (what, days until the deadline or "ye" for the year's end, who, evidence, months it is made in)

PLEDGES = [
    ("年内为{g}安装太阳能路灯{n}盏", 150, "any", "验收单和现场照片存村委会档案，已在公开栏公示", None),
    ("汛期前完成{g}排水沟清淤，排查积水点", 60, "any", "清淤前后照片和验收单存村委会档案", (3, 4, 5)),
    ("每月10日前在公开栏和本网站公布上月财务收支", "ye", "acct", "见本网站各期财务公开", (1, 2)),
    ("每月走访联系户不少于10户次，群众诉求3日内回复", "ye", "any", "走访台账和回复记录存党群服务中心", (1, 2, 3)),
    ("协调解决{g}饮水管网漏水问题", 90, "dir", "维修记录和群众签字确认单存村委会档案", None),
    ("帮助种植户对接超市和电商平台，销售{crop}{n}万斤", 180, "fs", "销售合同和结算单复印件存村委会档案", (2, 3, 4, 5)),
    ("组织农业实用技术培训{k}期", "ye", "fs", "培训签到表和照片存村委会档案", (2, 3, 4)),
    ("为文化广场配齐健身器材和篮球架", 150, "dir", "验收单和现场照片已在公开栏公示", None),
    ("汛期前完成村内坑塘护栏安装和警示牌设置", 75, "any", "现场照片已在公开栏公示", (3, 4)),
    ("协调县交通运输局将{g}道路纳入年度硬化计划", 200, "sec", "县交通运输局年度计划文件复印件已在公开栏公示", None),
    ("每周二在党群服务中心接待群众，当场能办的当场办", "ye", "sec", "接待登记簿存党群服务中心", (1, 2, 3)),
    ("帮助村集体争取上级项目资金不少于{w}万元", "ye", "fs", "项目批复文件和资金到账凭证已在公开栏公示", (2, 3, 4)),
    ("完成村级账务清理，公开历年债权债务", 120, "acct", "债权债务清理结果已在本网站财务公开中列明", None),
    ("组织全村环境卫生集中整治{k}次", 180, "women", "整治记录和照片存村委会档案", None),
    ("协调供电公司完成{g}低压线路改造", 200, "dir", "供电公司验收单复印件已在公开栏公示", None),
    ("推动村集体经营性收入比上年增长10%", "ye", "sec", "年度财务决算已在本网站公开", (1, 2, 3)),
    ("为群众代办社保认证、医保缴费等事项，做到不出村", "ye", "any", "代办登记簿存党群服务中心", (1, 2, 3)),
    ("修订村规民约并组织村民代表逐条讨论", 90, "sec", "修订后的村规民约已在公开栏张贴", None),
    ("组织开展“最美家庭”评选和移风易俗宣传", 120, "women", "评选结果和活动照片已在公开栏公示", None),
    ("春节前完成对困难群众和老党员的走访慰问", 50, "sec", "走访慰问登记表存村委会档案", (11, 12)),
]
REVISION_REASONS = [
    "汛期连续降雨无法施工，经村“两委”联席会议研究并公示，期限顺延",
    "上级项目资金未按期下达，经村“两委”联席会议研究，期限调整",
    "施工单位设备进场推迟，经村务监督委员会同意，期限顺延",
    "需等待县直部门审批，经村“两委”联席会议研究，期限调整",
]


def pledge_who(code: str, people: dict, rng: random.Random) -> tuple[str, str]:
    cadres = people["cadres"]
    if code == "fs":
        return people["first_secretary"]["name"], "驻村第一书记"
    pick = {
        "sec": cadres[0],
        "dir": next(c for c in cadres if "村委会主任" in c["role"]),
        "acct": next(c for c in cadres if "报账员" in c["role"]),
        "women": next(c for c in cadres if "妇联" in c["role"]),
    }.get(code) or rng.choice(cadres)
    return pick["name"], pick["role"]


def make_pledge(rng, v, people, year, what, made, deadline, who, outcome, evidence, reason=None, *,
                asof: AsOf) -> dict:
    """A pledge and what became of it by `asof`: outcome is kept, early, open, new, overdue,
    revised (then kept when the new deadline has passed), revised_kept, revised_overdue, or auto
    (mostly kept when the deadline has passed, a few revised or overdue)."""
    name, role = who
    p = dict(id=None, who=name, role=role, what=what, made=made, deadline=deadline, revisions=None,
             status="进行中", kept_on=None, evidence=None, evaluation=None)

    def kept(by: date, after: date):
        latest = min(by, asof.last_done)
        span = max(1, (latest - after).days)
        p["kept_on"] = after + timedelta(days=max(1, int(span * rng.uniform(0.55, 1.0))))
        if by.month == 12 and by.day == 31 and by.year == after.year:  # a promise for the whole year
            p["kept_on"] = date(by.year, 12, rng.randint(20, 30))
        p["kept_on"] = min(p["kept_on"], latest)
        p["status"] = "已兑现"
        p["evidence"] = evidence
        if rng.random() < 0.8:
            present = round(v["representatives"] * rng.uniform(0.75, 0.95))
            c = rng.choice([0, 0, 0, 1])
            b = rng.randint(1, 5)
            p["evaluation"] = f"村民代表评议：满意{present - b - c}票，基本满意{b}票，不满意{c}票"

    def revise(extra_days: int):
        when = max(made + timedelta(days=1), deadline - timedelta(days=rng.randint(5, 20)))
        new = month_end(deadline + timedelta(days=extra_days))
        p["revisions"] = [dict(deadline=new, date=when, reason=reason or rng.choice(REVISION_REASONS))]
        return when, new

    past = deadline < asof.today
    if outcome == "auto":
        r = rng.random()
        if past:
            outcome = "overdue" if r < 0.03 else "revised" if r < 0.13 else "kept"
        elif (asof.today - made).days < 40 and r < 0.6:
            outcome = "new"
        else:
            outcome = "early" if r < 0.12 else "open"
    if outcome == "kept":
        kept(deadline, made)
    elif outcome == "early":
        kept(asof.last_done, made)
    elif outcome == "overdue":
        assert past, what
        if deadline.year < asof.today.year:  # this year's may still be kept late
            p["status"] = "未兑现"
            p["evaluation"] = "村民代表评议：不满意，要求说明原因并尽快兑现"
    elif outcome in ("revised", "revised_kept", "revised_overdue"):
        when, new = revise(rng.randint(45, 120) if outcome != "revised_overdue" else 90)
        if outcome == "revised_overdue":
            assert new < asof.today
            p["evaluation"] = "群众意见：雨季主街仍有积水，要求村里继续协调、加快进度"
        elif new < asof.today:
            kept(new, when)
    elif outcome == "new":
        p["status"] = "未开始"
    return p


def pledge_text(what: str, v: dict, rng: random.Random) -> str:
    return what.format(g=_g(rng), n=rng.choice([10, 20, 30, 50]), crop=v["crop"], k=rng.randint(2, 4),
                       w=rng.choice([50, 80, 100, 150]))


def template_pledge(rng: random.Random, v: dict, people: dict, year: int, template: tuple, asof: AsOf) -> dict:
    """A pledge from PLEDGES made in `year` (in one of its months when it has them), outcome auto."""
    what, days, who, evidence, months = template
    if months:
        m = rng.choice([m for m in months if date(year, m, 1) <= asof.last_done] or [10])
        made = min(date(year, m, rng.randint(5, 25)), asof.last_done - timedelta(days=rng.randint(3, 10)))
    else:
        made = rdate(rng, date(year, 1, 10), min(date(year, 10, 31), asof.last_done))
    deadline = date(year, 12, 31) if days == "ye" else month_end(made + timedelta(days=days))
    text = pledge_text(what, v, rng)
    return make_pledge(rng, v, people, year, text, made, deadline, pledge_who(who, people, rng), "auto", evidence,
                       asof=asof)


# -- completed matters without a decision ---------------------------------------------------

SMALL = [
    ("更换{g}破损路灯{n}盏", 1200, 4000),
    ("维修村委会漏雨屋面", 3000, 8000),
    ("疏通{g}排水涵洞", 1500, 5000),
    ("修复{g}灌溉机井水泵", 1800, 4500),
    ("清理{g}生活垃圾堆放点", 1000, 3000),
    ("修补{g}道路坑槽", 2000, 9000),
    ("更换文化广场篮球架篮网", 600, 1500),
    ("更换村委会门前公开栏玻璃和灯箱", 1500, 3500),
    ("修缮{g}文化活动室桌椅", 1000, 3000),
    ("冬季道路清雪防滑", 800, 2000),
]


def small_job(rng: random.Random, year: int, job: tuple, last: date, county: dict, names: Names,
              monthly: bool) -> tuple[dict, tuple[date, str, int, str]]:
    """A small job paid from the village's own income, done between February and `last`: the
    completed matter, and its ledger line (paid on, summary, fen, counterparty)."""
    what, lo, hi = job
    title = what.format(g=_g(rng), n=rng.randint(4, 12))
    when = rdate(rng, date(year, 2, 10), last) if "清雪" not in what else date(year, rng.choice([1, 2]), rng.randint(5, 25))
    cost = fen(rng, lo, hi, cents=rng.random() < 0.3)
    paid = when + timedelta(days=rng.randint(1, 4))
    payee = names.private() if rng.random() < 0.5 else rng.choice(county["shops"])
    item = dict(title=title, date=when, cost=cost, funding="村集体收入",
                summary=f"{title}，经村务监督委员会验收，费用{yuan_text(cost)}从村集体收入列支，见{Period(Period.containing(paid, monthly)).label}财务公开。")
    return item, (paid, title, cost, payee)


def funding_text(direct: int, grant: int, own: str, collective: int) -> str:
    parts = [(label, amount, note) for label, amount, note in (
        ("县级涉农整合资金", direct, "（县财政直接支付给施工单位）"),
        ("上级奖补资金", grant, ""),
        (own, collective, ""),
    ) if amount > 0]
    if len(parts) == 1:
        return parts[0][0] + parts[0][2]
    return "、".join(f"{label}{yuan_text(amount)}{note}" for label, amount, note in parts)


def disclose_result(dec: dict, county: dict, own: str, rng: random.Random, asof: AsOf) -> None:
    """Step 6 (实施结果公开) of a scheduled decision, once its work is done or its result known.

    Works need dec["grant"] and dec["grant_auto"] (fen of grants booked in the ledger): the rest
    of the ledger cost was paid from `own`.
    """
    spec = dec["spec"]
    if dec["disclosed"] is None:
        return
    start = None
    if spec.get("work"):
        if dec["completed_on"]:
            grant = dec["grant"] + dec["grant_auto"]
            dec["funding"] = funding_text(spec.get("direct", 0) * 100, grant, own, dec["ledger_cost"] - grant)
            start = dec["completed_on"] + timedelta(days=rng.randint(2, 6))
            dec["result_text"] = f"{spec['done']}。实际花费{yuan_text(dec['cost'])}，资金来源：{dec['funding']}。"
    elif spec.get("result"):
        if spec.get("yearend"):
            start = date(spec["year"] + 1, 1, rng.randint(6, 15))
        elif dec.get("paid_on"):
            start = dec["paid_on"] + timedelta(days=rng.randint(5, 10))
        else:
            start = dec["disclosed"] + timedelta(days=spec.get("result_after", 30) + rng.randint(0, 5))
        dec["result_text"] = spec["result"]
    if start and start <= asof.last_done:
        dec["result"] = dict(start=start, end=start + timedelta(days=rng.randint(6, 9)), where=county["where"],
                             summary=dec["result_text"], cost=Money(dec["cost"]) if spec.get("work") else None)


# -- the books ------------------------------------------------------------------------------


def R(kind, category, summary, counterparty, lo, hi=None, months=range(1, 13), day=(5, 25),
      start=date.min, end=date.max, cents=False, season=None):
    """A recurring ledger line: `kind` is "in" or "out"; amounts in yuan; summary a format_summary template."""
    return dict(kind=kind, category=category, summary=summary, counterparty=counterparty, lo=lo,
                hi=hi if hi is not None else lo, months=tuple(months), day=day, start=start, end=end,
                cents=cents, season=season or {})


Q1 = (1, 4, 7, 10)  # first month of each quarter
Q3 = (3, 6, 9, 12)  # last month of each quarter


def format_summary(template: str, when: date) -> str:
    q = (when.month - 1) // 3
    pq_year, pq = (when.year, q - 1) if q else (when.year - 1, 3)
    return template.format(
        y=when.year, m=when.month, q=NUM[q], ny=when.year + 1, py=when.year - 1,
        h="上半年" if when.month <= 6 else "下半年", pq=f"{pq_year}年{NUM[pq]}季度",
    )


@dataclass
class Ev:
    """One line of a village's books before it is numbered into a fund period."""

    when: date
    kind: str  # "in" or "out"
    category: str
    summary: str
    fen: int
    counterparty: str | None
    project: dict | None = None  # set on payments of a decision's works

    @property
    def key(self):
        return (self.when, 0 if self.kind == "in" else 1)


def common_ledger(county: dict, township: dict, v: dict, people: dict, rng: random.Random,
                  raise_on: date) -> list[dict]:
    """What every village's books have: township funds, cadres' pay, the cleaner (a raise on
    `raise_on`), interest, power, office supplies, newspapers, bank fees."""
    fin = f"{township['name']}财政所"
    office = county["office_fund"][0 if v["households"] >= 600 else 1]
    label = county.get("office_fund_label", "村级组织运转经费")
    n = len(people["cadres"])
    pay_q = 3 * sum(c["pay"] for c in people["cadres"])
    names = people["names"]
    wage = county["cleaner_wage"] + rng.choice([0, 100])
    cleaner = names.private()
    shop = rng.choice(county["shops"])
    return [
        R("in", "各项收入", label + "（{q}季度）", fin, office, months=Q1, day=(8, 18)),
        R("in", "各项收入", "收到" + fin + "拨付{q}季度村干部误工补贴", fin, pay_q, months=Q3, day=(6, 10)),
        R("out", "各项支出", f"发放{{q}}季度村干部误工补贴（{n}人）", f"村干部（{n}人）", pay_q, months=Q3, day=(11, 16)),
        R("in", "各项收入", "活期存款利息", county["bank"], 20, 300, months=Q3, day=(21, 21), cents=True),
        R("in", "各项收入", "收到" + fin + "拨付{q}季度农村人居环境整治保洁补助", fin, 3 * wage, months=Q1, day=(18, 24)),
        R("out", "各项支出", "保洁员工资（{m}月）", cleaner, wage, day=(25, 28), end=raise_on - timedelta(days=1)),
        R("out", "各项支出", "保洁员工资（{m}月）", cleaner, wage + 100, day=(25, 28), start=raise_on),
        R("out", "各项支出", "村部电费", county["grid"], 180, 650, months=(2, 5, 8, 11), day=(5, 15), cents=True),
        R("out", "各项支出", "购买办公用品（打印纸、墨盒等）", shop, 150, 900, months=(2, 5, 8, 11), day=(16, 26)),
        R("out", "各项支出", "订阅{ny}年度党报党刊", f"中国邮政集团有限公司{county['name']}分公司", 800, 1500,
          months=(11,), day=(1, 10)),
        R("out", "其他", "银行账户管理费", county["bank"], 100, months=(12,), day=(20, 25)),
    ]


def expand(rec: dict, rng: random.Random, years, last: date) -> list[Ev]:
    """The lines a recurring R(...) puts in the books over `years`, up to `last`."""
    out = []
    for y in years:
        for m in rec["months"]:
            lo, hi = rec["day"]
            when = date(y, m, min(rng.randint(lo, hi), calendar.monthrange(y, m)[1]))
            if not rec["start"] <= when <= rec["end"] or when > last:
                continue
            amount = fen(rng, rec["lo"], rec["hi"], rec["cents"], rec["season"].get(m, 1.0))
            out.append(Ev(when, rec["kind"], rec["category"], format_summary(rec["summary"], when), amount,
                          rec["counterparty"]))
    return out


def fund_records(events: list[Ev], periods: list[str], opening: int, monthly: bool, rng: random.Random,
                 note=lambda period, events: None) -> list[dict]:
    """The fund period records of a village's books: the (sorted) events of each period item by
    item, vouchers numbered through each year, every closing balance the next opening balance
    exactly, reviewed by the 民主理财小组 after the period and published within 15 days of its end.
    `note(period, events)` may add the period's 说明."""
    funds = []
    by_period: dict[str, list[Ev]] = {p: [] for p in periods}
    for e in events:
        by_period[Period.containing(e.when, monthly)].append(e)
    balance = opening
    voucher: dict[int, int] = {}
    for period in periods:
        last = Period(period).bounds[1]
        entries = []
        for e in by_period[period]:
            voucher[e.when.year] = voucher.get(e.when.year, 0) + 1
            entries.append(dict(date=e.when, category=e.category, summary=e.summary,
                                income=Money(e.fen) if e.kind == "in" else None,
                                expense=Money(e.fen) if e.kind == "out" else None,
                                counterparty=e.counterparty, voucher=f"记-{voucher[e.when.year]:03d}"))
        assert entries and all(e["category"] in FUND_CATEGORIES for e in entries), period
        opening = balance
        for e in by_period[period]:
            balance += e.fen if e.kind == "in" else -e.fen
        reviewed = last + timedelta(days=rng.randint(3, 7))
        published = min(last + timedelta(days=15), reviewed + timedelta(days=rng.randint(1, 5)))
        part = period[5:].lower()
        funds.append(dict(id=f"f-{period[:4]}-{part}", period=Plain(period),
                          opening_balance=Money(opening), entries=entries, closing_balance=Money(balance),
                          reviewed=reviewed, published=published, note=note(period, by_period[period])))
        assert opening >= 0 and balance >= 0
    return funds


# -- records ---------------------------------------------------------------------------------


def meeting(step: dict, extra: str | None = None) -> dict:
    """A meeting step as the file writes it, its fields in the schema's order (a resolution's body first)."""
    out = {k: step[k] for k in ("date", "expected", "present", "agree", "against", "abstain", "summary", "minutes")}
    if extra and extra in step:
        out[extra] = step[extra]
    return {k: out[k] for k in sorted(out, key=RESOLUTION.order.get)} if extra == "body" else out


def decision_record(dec: dict) -> dict:
    spec, steps = dec["spec"], dec["steps"]
    disc = steps.get("resolution_disclosure")
    tp = steps.get("three_party")
    return dict(
        id=dec["id"], title=spec["title"], category=spec["category"], origin=spec["origin"],
        budget=Money(spec["budget"] * 100) if spec.get("budget") else None, summary=spec["summary"],
        three_party=dict(date=tp["date"], summary=tp["summary"], minutes=tp["minutes"]) if tp else None,
        proposal=meeting(steps["proposal"], "merged_consultation"),
        consultation=meeting(steps["consultation"]) if "consultation" in steps else None,
        review=meeting(steps["review"]) if "review" in steps else None,
        resolution=meeting(steps["resolution"], "body") if "resolution" in steps else None,
        resolution_disclosure=dict(start=disc["start"], end=disc["end"], where=disc["where"]) if disc else None,
        result_disclosure=dec.get("result"),
    )


def completed_records(done_by_year: dict[int, list[dict]]) -> list[dict]:
    """Completed records, numbered by date within each year: a finished decision's work
    (item["decision"]) or a small job."""
    completed = []
    for y, items in done_by_year.items():
        for n, item in enumerate(sorted(items, key=lambda i: i["date"]), 1):
            dec = item.get("decision")
            if dec:
                completed.append(dict(id=f"c-{y}-{n:02d}", title=dec["spec"]["title"], date=item["date"],
                                      cost=Money(dec["cost"]), funding=dec["funding"], decision=dec["id"],
                                      summary=dec["spec"]["done"] + "。"))
            else:
                completed.append(dict(id=f"c-{y}-{n:02d}", title=item["title"], date=item["date"],
                                      cost=Money(item["cost"]), funding=item["funding"], decision=None,
                                      summary=item["summary"]))
    return completed


def pledge_record(p: dict) -> dict:
    return {k: p[k] for k in ("id", "who", "role", "what", "made", "deadline", "revisions", "status", "kept_on",
                              "evidence", "evaluation")}



# -- suggestions (群众建议) ---------------------------------------------------------------------
# What villagers ask for, and what the branch answered. Adopted ones are the decisions whose
# origin is 党员群众建议 (suggestions_of links them); the rest come from this list:
# (what they ask, outcome, reply, reason). {g} is a village group.

SUGGESTION_POOL = [
    ("{g}路口的路灯坏了两盏，晚上出行不便，建议尽快维修", "已办理", "已联系电工更换灯泡和线路，三天内修好", None),
    ("村里垃圾桶不够用，{g}常有垃圾外溢，建议增设垃圾桶", "已办理", "已向镇环卫所申领垃圾桶 6 个，放在{g}主路两侧", None),
    ("{g}坑塘边没有护栏，孩子放学经过不安全，建议设置警示牌", "已办理", "已在坑塘四周设置警示牌，并请网格员每天巡查", None),
    ("村卫生室周末不开门，老人看病不方便，建议周末安排值班", "已办理", "已与村医商定周六上午开门，值班表张贴在卫生室门口", None),
    ("秋收时节晒场不够，建议把村委会院子借给村民晒粮", "已办理", "秋收期间村委会院子白天开放晒粮，晚上锁门", None),
    ("建议把村委会院子改成停车场", "不采纳", "经村两委研究，暂不采纳",
     "村委会院子是便民服务中心的办事场地，改作停车场影响群众办事；村西空地已规划停车位"),
    ("建议用村集体收入给每户发放过节福利", "不采纳", "经村两委研究，暂不采纳",
     "村集体收入优先用于道路、水利等公益事业，按规定不搞平均分配"),
    ("建议把{g}的小广场改建成篮球场", "不采纳", "经村两委研究，暂不采纳",
     "小广场是{g}群众跳舞、晾晒的地方，多数群众不同意改建；可在学校操场周末开放时打球"),
    ("建议在村口国道上设置减速带", "转上级", "已转交有关部门，答复后再告知", "国道归县交通运输局管理，已转交县交通运输局"),
    ("{g}几户的自来水水压低，建议查找原因", "转上级", "已报镇供水站，供水站安排人员检修", "镇供水站"),
    ("村小学放学时校门口车辆多，建议协调交警疏导", "转上级", "已报镇派出所，放学时段安排民警疏导", "镇派出所"),
    ("建议把村里的医保缴费改成线上办理", "转上级", "已报镇社保所，答复可用手机缴纳，村里组织培训", "镇社保所"),
    ("村里小麦收割机排不上队，建议统一联系农机合作社", "已办理", "已和农机合作社签订收割服务协议，按组排班", None),
    ("建议在村委会设置便民座椅和饮水机", "已办理", "已购置座椅 4 张、饮水机 1 台，放在便民服务大厅", None),
    ("{g}排水沟堵塞，下雨积水，建议清淤", "已办理", "已组织公益岗人员清淤 200 米", None),
    ("建议村务公开栏的字大一点，老人看不清", "已办理", "公开栏改用大字号打印，重要事项在广播里再读一遍", None),
]
# asked and not answered yet (the last weeks of the sample)
SUGGESTION_OPEN = [
    "{g}村道两侧杂草多，建议组织清理",
    "建议冬季在村委会设置取暖室，方便老人白天活动",
    "建议在村文化广场增加健身器材",
    "{g}有几户院墙开裂，建议请人查看是否安全",
]
SAMPLE_CHANNELS = tuple(c for c in CHANNELS if c != "村民会议")  # a meeting's suggestions are in its minutes


def suggestions_of(v: dict, people: dict, decisions: list[dict], years, asof: AsOf, overdue: bool,
                   rng: random.Random) -> list[dict]:
    """A village's suggestions year by year: one for each decision that came from villagers (adopted,
    with the decision linked), some from SUGGESTION_POOL, and in the last weeks a few not answered
    yet (past due when `overdue`). Every reply within REPLY_DAYS, none later than asof.last_done."""
    names = Names(rng, v["surname"])
    cadres = people["cadres"]
    answerers = ["村党支部", "村委会", f"村党支部书记 {cadres[0]['name']}", f"{cadres[-1]['role'].split('、')[0]} {cadres[-1]['name']}"]
    pool = SUGGESTION_POOL[:]
    rng.shuffle(pool)
    out = []

    def proposer() -> str | None:
        return rng.choice([None, None, f"{rng.choice(GROUPS[:6])}村民{names.private()}", f"村民代表{names.private()}"])

    def one(received: date, summary: str, outcome: str, reply: str, reason: str | None, decision: str | None = None) -> dict:
        reply_date = min(received + timedelta(days=rng.randint(2, REPLY_DAYS)), asof.last_done)
        return dict(received=received, channel=rng.choice(SAMPLE_CHANNELS), summary=summary, proposer=proposer(),
                    answerer=rng.choice(answerers), reply_date=reply_date, reply=reply, outcome=outcome,
                    decision=decision, reason=reason)

    for y in years:
        year = []
        for d in decisions:
            if d["spec"]["origin"] == "党员群众建议" and int(d["id"][2:6]) == y:
                proposed = d["steps"]["proposal"]["date"]
                received = max(date(y, 1, 2), proposed - timedelta(days=rng.randint(15, 45)))
                s = one(received, f"多名群众反映，建议{d['spec']['title']}", "采纳",
                        "村党支部研究后同意，提交四议两公开程序", None, d["id"])
                s["reply_date"] = min(s["reply_date"], proposed)
                year.append(s)
        end = min(date(y, 12, 20), asof.last_done - timedelta(days=30))
        for _ in range(rng.randint(2, 3) if pool and end >= date(y, 1, 5) else 0):
            summary, outcome, reply, reason = pool.pop()
            g = rng.choice(GROUPS[:6])
            received = rdate(rng, date(y, 1, 5), end)
            year.append(one(received, summary.format(g=g), outcome, reply.format(g=g), reason and reason.format(g=g)))
        if y == years[-1]:  # asked lately: one still within its days, and where the village is slow, one past them
            last = asof.last_done
            asked = [last - timedelta(days=rng.randint(1, REPLY_DAYS - 2))] + ([last - timedelta(days=rng.randint(14, 25))] if overdue else [])
            asked = [d for d in asked if d.year == y]  # early in January: last year's are answered
            for received, summary in zip(asked, rng.sample(SUGGESTION_OPEN, len(asked))):
                year.append(dict(received=received, channel=rng.choice(SAMPLE_CHANNELS), summary=summary.format(g=rng.choice(GROUPS[:6])),
                                 proposer=proposer()))
        year.sort(key=lambda s: (s["received"], s["summary"]))
        for n, s in enumerate(year, 1):
            out.append({"id": f"s-{y}-{n:02d}", **s})
    return out


def suggestion_record(s: dict) -> dict:
    """A suggestion as the file writes it: its fields in the schema's order, the empty ones left out."""
    return {k: s[k] for k in SUGGESTION.fields if s.get(k) is not None}
