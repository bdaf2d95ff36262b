"""`gongkai sample`: invent valid village data at any size, for load tests and the page budget.

    gongkai sample --counties 2 --villages 300 --years 5 --seed 1 OUT

OUT gets the layout `gongkai check` reads, the same as villages/: <county>/county.yml,
<county>/<township>/township.yml, <county>/<township>/<village>/village.yml and beside it
decisions/ funds/ pledges/ completed/, one file per year. Every county.yml says `sample: true`.

A village is built from the pieces the shipped sample is built from (samplekit.py): cadres,
the 4+2 meetings with lawful turnout and votes, everyday matters, pledges, small jobs. What is
invented here: names of places (from syllable tables), statistical codes that nest, a village's
own sources of income, and books of 5-40 lines a period whose balances chain exactly.

On purpose, in every county: about one village in eight keeps monthly accounts (high_volume), a
few disclose late (the last period not yet published, an earlier one published after the grace
days: warning GK411, never an error), a few have an overdue pledge, and now and then a matter is
voted down at the 决议 step.

Deterministic: the same seed and as-of day give the same bytes. Each county and each village has
its own random.Random seeded from the seed and its place, never the global one; the clock is
read only for the default as-of day (config.build_date()).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from gongkai.model.period import Period
from gongkai.adapters.samplekit import (
    GENERIC, LOCAL_CATEGORIES, MIN_DAYS, PLEDGES, Q1, SMALL, SURNAMES, AsOf, Book, Ev, R, ceil_div,
    common_ledger, completed_records, decision_record, disclose_result, expand, fen, fund_records, make_people,
    make_pledge, month_end, office_phone, pay_decision, pledge_record, pledge_text, pledge_who,
    rdate, schedule, small_job, suggestion_record, suggestions_of, template_pledge,
)
from gongkai.adapters.samplephotos import PHOTO_PERCENT, add_photos
from gongkai.load.yamltext import Quoted, render_list, render_map, schema_comment

PUBLISHED_WITHIN = 12  # days after a period ends by which fund_records has always published it


# -- places ---------------------------------------------------------------------------------


def _syllables(text: str) -> list[tuple[str, str]]:
    """'王wang 李li' -> [('王', 'wang'), ('李', 'li')]: a character and its pinyin, for folder names."""
    return [(w[0], w[1:]) for w in text.split()]


VILLAGE_FIRST = _syllables(
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 赵zhao 周zhou 吴wu 孙sun 马ma 朱zhu 胡hu 郭guo 何he 高gao "
    "罗luo 宋song 韩han 冯feng 邓deng 曹cao 彭peng 田tian 董dong 袁yuan 蒋jiang 魏wei 丁ding 任ren 姚yao "
    "崔cui 柳liu 杏xing 桃tao 枣zao 榆yu 槐huai 柏bai 松song 竹zhu 东dong 西xi 南nan 北bei 前qian 后hou "
    "上shang 下xia 大da 小xiao 新xin 老lao 石shi 沙sha 白bai 青qing 红hong 龙long 凤feng 双shuang 三san "
    "五wu 七qi 金jin 铁tie 秦qin 苏su 侯hou 贾jia 常chang 范fan 岳yue 庞pang 薛xue 雷lei"
)
VILLAGE_SECOND = _syllables(
    "庄zhuang 营ying 店dian 岗gang 沟gou 洼wa 湾wan 坡po 寨zhai 集ji 楼lou 屯tun 堡bao 坪ping 桥qiao "
    "园yuan 庙miao 岭ling 河he 口kou 铺pu 塘tang 坊fang 窑yao 峪yu 井jing 台tai 湖hu 寺si 场chang"
)
TOWN_FIRST = _syllables(
    "清qing 安an 永yong 平ping 宁ning 长chang 新xin 广guang 丰feng 太tai 福fu 兴xing 龙long 凤feng "
    "金jin 白bai 柳liu 杨yang 桃tao 石shi 马ma 双shuang 东dong 西xi 南nan 北bei 高gao 古gu 云yun 青qing"
)
TOWN_SECOND = _syllables(
    "河he 阳yang 平ping 山shan 桥qiao 店dian 集ji 川chuan 口kou 源yuan 城cheng 庄zhuang 坪ping 湖hu "
    "泉quan 沟gou 关guan 岭ling 溪xi 林lin 丘qiu 乐le"
)
PROVINCES = ("41", "14", "37", "34", "42", "43", "13", "61", "36", "62")  # real province prefixes
CROPS = ("小麦", "玉米", "花生", "苹果", "酥梨", "香菇", "茶叶", "核桃", "冬枣", "辣椒", "西瓜", "中药材")
PAY_SCALES = ((1350, 1080, 810), (1500, 1200, 900), (1800, 1400, 1100), (2000, 1500, 1200), (2200, 1700, 1300))
UNITS = ("农业农村局", "财政局", "委组织部", "交通运输局", "自然资源局", "水利局", "教育局", "卫生健康委员会",
         "市场监督管理局", "住房和城乡建设局")


class Gazetteer:
    """Place names not yet used in one scope (a county's townships and villages, or all counties)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names: set[str] = set()
        self.slugs: set[str] = set()

    def take(self, parts: list[list[tuple[str, str]]], suffix: str) -> tuple[str, str]:
        for _ in range(50):
            chosen = [self.rng.choice(p) for p in parts if p]
            name, slug = "".join(c for c, _ in chosen), "".join(s for _, s in chosen)
            if name[0] != name[-1] and name not in self.names and slug not in self.slugs:
                break
        n = 2
        while name in self.names or slug in self.slugs:  # a huge county has used the tables up
            name, slug, n = f"{name.rstrip('0123456789')}{n}", f"{slug.split('-')[0]}-{n}", n + 1
        self.names.add(name)
        self.slugs.add(slug)
        return name + suffix, slug


def _county(rng: random.Random, counties: Gazetteer, codes: set[str]) -> dict:
    name, slug = counties.take([TOWN_FIRST, TOWN_SECOND], "县")
    code = ""
    while not code or code in codes:
        code = f"{rng.choice(PROVINCES)}{rng.randint(1, 17):02d}{rng.randint(21, 30):02d}000000"
    codes.add(code)
    digits = rng.choice((7, 8))
    c = dict(
        slug=slug, name=name, code=code, area=f"0{rng.randint(310, 998)}", digits=digits,
        lead=f"{rng.randint(2, 8)}{rng.randint(0, 9)}" + ("" if digits == 7 else str(rng.randint(1, 9))),
        pay=rng.choice(PAY_SCALES), office_fund=rng.choice(((6000, 5000), (4500, 4000), (2700, 2250))),
        cleaner_wage=rng.choice((800, 900, 1000, 1100, 1200)), three_party=rng.choice(("all", "projects", "none")),
        bank=f"{name}农村商业银行", grid=f"国网{name}供电公司",
        contractors=[f"{name}{w}建设工程有限公司" for w in rng.sample(["宏达", "中原", "伏牛", "华通", "鑫源", "汇丰", "永安"], 3)],
        shops=[f"{name}{w}" for w in ("惠民文具店", "鑫鑫五金建材店", "城关新华书店", "利民五金店")],
        where=rng.choice(("村务公开栏、本网站", "党群服务中心公开栏、本网站")),
        units=[f"{name}{u}" for u in UNITS],
    )
    c["supervision_phone"] = office_phone(c, rng)
    c["report_phone"] = Quoted(f"{c['area']}-12388")  # the 纪检监察 reporting line: area code + 12388
    return c


def _township(rng: random.Random, county: dict, places: Gazetteer, numbers: Counter) -> dict:
    kind = rng.choice("镇镇乡")
    name, slug = places.take([TOWN_FIRST, TOWN_SECOND], kind)
    numbers[kind] += 1
    code = f"{county['code'][:6]}{(100 if kind == '镇' else 200) + numbers[kind]:03d}000"
    return dict(slug=slug, name=name, code=code, address=f"{county['name']}{name}{name[:-1]}街",
                supervision_phone=office_phone(county, rng), report_phone=office_phone(county, rng))


def _village(rng: random.Random, township: dict, places: Gazetteer, number: int, **flags) -> dict:
    middle = [("家", "jia")] if rng.random() < 0.2 else []
    name, slug = places.take([VILLAGE_FIRST, middle, VILLAGE_SECOND], "村")
    households = rng.randint(180, 1500)
    return dict(
        slug=slug, name=name, code=f"{township['code'][:9]}{200 + number:03d}", households=households,
        party_members=max(20, round(households * rng.uniform(0.045, 0.08))),
        representatives=min(65, max(15, round(households / rng.uniform(12, 20)))),
        both=rng.random() < 0.7, surname=name[0] if name[0] in SURNAMES else rng.choice(SURNAMES[:40]),
        crop=rng.choice(CROPS), opening=rng.randint(20, 160) * 1000, township=township["name"], **flags,
    )


def township_sizes(rng: random.Random, villages: int) -> list[int]:
    """Villages per township: 10 to 20 each (fewer only when the whole county is smaller)."""
    sizes = []
    while villages > 20:
        size = rng.randint(10, min(20, villages - 10))
        sizes.append(size)
        villages -= size
    return sizes + [villages]


# -- one village ----------------------------------------------------------------------------


def village_income(v: dict, county: dict, township: dict, rng: random.Random) -> list[dict]:
    """The village's own sources of income (R lines): one to three of them, more when busy."""
    co = f"{county['name']}{township['name'][:-1]}"
    kinds = [
        lambda: R("in", "各项收入", "集体门面房租金（{q}季度）", f"{v['surname']}某等{rng.randint(3, 8)}户",
                  rng.randint(3, 30) * 1000, months=Q1, day=(3, 12)),
        lambda: R("in", "各项收入", "村级光伏电站发电收益（{m}月）", county["grid"], 3000, 9000, day=(15, 22), cents=True),
        lambda: R("in", "各类资源", "机动地承包费（{y}年度）", f"{co}{v['crop']}种植专业合作社",
                  rng.randint(30, 150) * rng.randint(400, 700), months=(10,), day=(10, 25)),
        lambda: R("in", "各类资源", "坑塘养殖承包费（{y}年度）", f"{v['surname']}某", rng.randint(30, 90) * 100,
                  months=(3,), day=(5, 20)),
        lambda: R("in", "各项收入", "入股分红（{y}年{h}）", f"{co}农业开发有限公司", 30000, 80000, months=(6, 12), day=(20, 28)),
        lambda: R("in", "各项收入", "蔬菜大棚承包费（{y}年度）", "大棚承包户（汇总）", rng.randint(8, 30) * 2400,
                  months=(3,), day=(20, 30)),
        lambda: R("in", "各项收入", "扶贫车间厂房租金（{y}年度）", f"{co}服饰加工厂", rng.randint(20, 60) * 1000,
                  months=(1,), day=(10, 20)),
    ]
    picked = rng.sample(range(len(kinds)), rng.randint(2, 4) if v["high_volume"] else rng.randint(1, 3))
    return [kinds[i]() for i in sorted(picked)]


# everyday lines that fill a period: (weight, kind, category, summary, lo, hi, counterparty)
MISC = [
    (8, "out", "各项支出", "购买零星维修材料", 80, 900, "shop"),
    (3, "out", "各项支出", "村内绿化苗木补植", 500, 3000, "{county}绿源苗木场"),
    (4, "out", "各项支出", "宣传标语和公开栏内容制作", 200, 1200, "{county}金点广告部"),
    (5, "out", "各项支出", "会议用水和纸杯", 60, 200, "shop"),
    (4, "out", "各项支出", "水泵和管道维修", 150, 800, "{township}农机维修部"),
    (4, "out", "各项支出", "公厕和广场清洁用品", 50, 300, "shop"),
    (3, "out", "各项支出", "村民代表会议误工补贴", 600, 1200, "村民代表"),
    (3, "out", "各项支出", "道路巡查和垃圾清运临时用工", 300, 1500, "private"),
    (2, "out", "各项支出", "防汛物资（编织袋、雨衣）", 300, 1800, "shop"),
    (3, "out", "各项支出", "村卫生室水电费", 80, 400, "grid"),
    (1, "out", "各项资产", "购置办公电脑和打印机", 3000, 6500, "{county}联创电脑经营部"),
    (2, "in", "债权债务", "收回农户借支往来款", 500, 5000, "private"),
    (1, "out", "债权债务", "退还工程质量保证金", 2000, 8000, "contractor"),
    (2, "in", "其他", "出售废旧物资收入", 100, 800, "{county}再生资源回收站"),
    (1, "in", "各类资源", "集体林地林木采伐收入", 5000, 20000, "{county}林丰木材加工厂"),
]
_MISC_WEIGHTS = [m[0] for m in MISC]


def _misc(rng: random.Random, when: date, county: dict, township: dict, names) -> Ev:
    _, kind, category, summary, lo, hi, who = rng.choices(MISC, _MISC_WEIGHTS)[0]
    payee = {
        "shop": lambda: rng.choice(county["shops"]), "private": names.private, "grid": lambda: county["grid"],
        "contractor": lambda: rng.choice(county["contractors"]),
    }.get(who, lambda: who.format(county=county["name"], township=township["name"]))()
    return Ev(when, kind, category, summary, fen(rng, lo, hi, cents=rng.random() < 0.4), payee)


def matter_events(dec: dict, county: dict, fin: str, rng: random.Random) -> list[Ev]:
    """The money a decision moves once it is disclosed: grants and works, relief, a loan."""
    spec, out = dec["spec"], []
    end = dec["disclosed"]
    if end is None:
        return out
    title = spec["title"]
    if spec.get("work"):
        dec["grant"], dec["grant_auto"] = min(spec.get("grant", 0) * 100, dec["ledger_cost"]), 0
        if dec["grant"]:
            out.append(Ev(end + timedelta(days=rng.randint(3, 8)), "in", "各项收入", f"收到“{title}”上级奖补资金",
                          dec["grant"], fin))
        if dec["completed_on"]:
            what, cat = ("货款", "各项资产") if spec.get("asset") else ("工程款", "各项支出")
            out.append(Ev(dec["completed_on"] + timedelta(days=rng.randint(2, 8)), "out", cat,
                          f"支付“{title}”{what}（已验收）", dec["ledger_cost"], rng.choice(county["contractors"])))
    elif spec["category"] == "救灾救济" and spec.get("budget"):
        got = end + timedelta(days=rng.randint(3, 8))
        out.append(Ev(got, "in", "各项收入", "收到上级下拨汛期救灾资金", spec["budget"] * 100, f"{county['name']}应急管理局"))
        out.append(Ev(got + timedelta(days=rng.randint(2, 6)), "out", "各项支出", "发放汛期受灾群众救助资金（打卡到户）",
                      spec["budget"] * 100, "受灾农户（汇总）"))
    elif spec.get("loan"):
        got = end + timedelta(days=rng.randint(5, 10))
        loan = spec["loan"] * 100
        out += [
            Ev(got, "in", "债权债务", "收到县农商银行借款", loan, county["bank"]),
            Ev(got + timedelta(days=rng.randint(10, 20)), "out", "各项资产", "购置农资统一服务设备（植保无人机1台）",
               loan * 96 // 100, f"{county['name']}丰农农机销售有限公司"),
            Ev(got + timedelta(days=365), "out", "债权债务", "归还县农商银行借款本金", loan, county["bank"]),
            Ev(got + timedelta(days=365), "out", "其他", "支付县农商银行借款利息（年利率4.35%）", loan * 435 // 10000,
               county["bank"]),
        ]
    return out


def topped_up(events: list[Ev], opening: int, fin: str) -> list[Ev]:
    """Sorted events, with a township transfer booked the same day before any payment that would
    take the balance under 2,000 yuan: a village's account never goes negative."""
    floor, balance, out = 200000, opening, []
    for e in sorted(events, key=lambda e: e.key):
        if e.kind == "out" and balance - e.fen < floor:
            amount = ceil_div(floor + e.fen - balance + 2000000, 1000000) * 1000000
            out.append(Ev(e.when, "in", "各项收入", f"收到{fin}拨付村级转移支付资金", amount, fin))
            balance += amount
        balance += e.fen if e.kind == "in" else -e.fen
        out.append(e)
    return out


def all_periods(years: list[int], monthly: bool, last_done: date) -> list[str]:
    """Every period of `years` that ended long enough before last_done to have been published."""
    parts = [f"{m:02d}" for m in range(1, 13)] if monthly else [f"Q{q}" for q in range(1, 5)]
    return [f"{y}-{p}" for y in years for p in parts
            if Period(f"{y}-{p}").bounds[1] + timedelta(days=PUBLISHED_WITHIN) <= last_done]


def choose_matters(v: dict, county: dict, people: dict, years: list[int], asof: AsOf,
                   rng: random.Random) -> list[tuple[dict, date]]:
    """(spec, proposal day) of each matter: the year's pay, then everyday matters (a plan or a
    loan at most once); none proposed after last_done."""
    out, once = [], set()
    for y in years:
        specs = [pay_decision(v, county, people, y, rng)]
        keys = [k for k in GENERIC if k not in once]
        rng.shuffle(keys)
        for key in keys[: rng.randint(2, 5)]:
            specs.append(dict(GENERIC[key][0](v, y, rng, people["names"]), generic=key))
            if key in ("plan", "loan"):
                once.add(key)
        for spec in specs:
            lo, hi = spec.get("day", (6, 24))
            day = date(y, spec["month"], rng.randint(lo, hi))
            if day > asof.last_done and spec["month"] == 1 and asof.last_done >= date(y, 1, lo):
                day = rdate(rng, date(y, 1, lo), asof.last_done)  # the year's pay comes first
            if day <= asof.last_done:  # a matter not yet put forward has no record
                out.append((spec, day))
    return out


def voted_down(dec: dict, rng: random.Random) -> None:
    """The 决议 fails: at most half of those present agree, and the matter stops there."""
    m = dec["steps"]["resolution"]
    m["agree"] = m["present"] // 2 - rng.randint(0, 2)
    m["abstain"] = min(m["abstain"], m["present"] - m["agree"])
    m["against"] = m["present"] - m["agree"] - m["abstain"]
    m["summary"] = f"{m['body']}表决，赞成{m['agree']}票，未过实到人数的半数，“{dec['spec']['title']}”未通过。"
    dec["steps"].pop("resolution_disclosure", None)
    dec["disclosed"], dec["completed_on"] = None, None


def decisions_of(v: dict, county: dict, people: dict, years: list[int], asof: AsOf, rng: random.Random) -> list[dict]:
    book = Book()
    by_year: dict[int, list[dict]] = {y: [] for y in years}
    for spec, day in choose_matters(v, county, people, years, asof, rng):
        dec = schedule(spec, v, county, people, book, rng, asof, day, MIN_DAYS)
        if "resolution" in dec["steps"] and not spec.get("yearend") and rng.random() < 0.04:
            voted_down(dec, rng)
        by_year[spec["year"]].append(dec)
    decisions = []
    for y, decs in by_year.items():
        decs.sort(key=lambda d: (d["steps"].get("three_party", d["steps"]["proposal"])["date"], d["spec"]["title"]))
        for n, dec in enumerate(decs, 1):
            dec["id"] = f"d-{y}-{n:02d}"
        decisions.extend(decs)
    return decisions


def pledges_of(v: dict, people: dict, years: list[int], asof: AsOf, rng: random.Random) -> list[dict]:
    templates: list[tuple] = []

    def template() -> tuple:
        if not templates:
            templates.extend(rng.sample(PLEDGES, len(PLEDGES)))
        return templates.pop()

    pledges = []
    for y in years:
        if asof.last_done < date(y, 1, 25):
            continue
        year_p = [template_pledge(rng, v, people, y, template(), asof) for _ in range(rng.randint(2, 4))]
        if v["overdue"] and y == max(years[0], asof.today.year - 1):
            what, days, who, evidence, _ = next(t for t in iter(template, None) if t[1] != "ye")
            made = date(y, rng.randint(2, 5), rng.randint(5, 25))
            deadline = month_end(made + timedelta(days=days))
            if made < asof.last_done and deadline < asof.today:
                year_p.append(make_pledge(rng, v, people, y, pledge_text(what, v, rng), made, deadline,
                                          pledge_who(who, people, rng), "overdue", evidence, asof=asof))
        year_p.sort(key=lambda p: (p["made"], p["what"]))
        for n, p in enumerate(year_p, 1):
            p["id"] = f"p-{y}-{n:02d}"
        pledges.extend(year_p)
    return pledges


def build_village(county: dict, township: dict, v: dict, years: list[int], asof: AsOf,
                  rng: random.Random) -> dict:
    people = make_people(v, county, rng)
    names = people["names"]
    monthly = v["high_volume"]
    fin = f"{township['name']}财政所"
    decisions = decisions_of(v, county, people, years, asof, rng)

    periods = all_periods(years, monthly, asof.last_done)
    if v["late"] and periods:
        periods.pop()  # the last period is due but not yet disclosed
    ledger_end = Period(periods[-1]).bounds[1] if periods else date(years[0], 1, 1) - timedelta(days=1)

    lines = common_ledger(county, township, v, people, rng, date(years[len(years) // 2], 1, 1))
    if monthly:
        lines.append(R("out", "各项支出", "村委会网络费（{m}月）", f"中国联通{county['name']}分公司", 100, day=(3, 8)))
    events = [e for rec in lines + village_income(v, county, township, rng) for e in expand(rec, rng, years, ledger_end)]
    for dec in decisions:
        events += matter_events(dec, county, fin, rng)

    done_by_year: dict[int, list[dict]] = {y: [] for y in years}
    for dec in decisions:
        if dec.get("completed_on"):
            done_by_year[dec["completed_on"].year].append(dict(decision=dec, date=dec["completed_on"]))
    jobs = rng.sample(SMALL, len(SMALL))
    for y in years:
        last = min(date(y, 12, 10), ledger_end - timedelta(days=10))
        for _ in range(rng.randint(1, 3) if last >= date(y, 3, 1) else 0):
            jobs.append(jobs.pop(0))
            item, (paid, title, cost, payee) = small_job(rng, y, jobs[0], last, county, names, monthly)
            events.append(Ev(paid, "out", "各项支出", title, cost, payee))
            done_by_year[y].append(item)

    events = [e for e in events if e.when <= ledger_end]
    count = Counter(Period.containing(e.when, monthly) for e in events)
    for period in periods:  # 5 to 40 lines a period: fill with everyday lines
        first, last = Period(period).bounds
        target = rng.randint(8, 32) if monthly else rng.randint(12, 34)
        events += [_misc(rng, rdate(rng, first, last), county, township, names)
                   for _ in range(max(0, target - count[period]))]
    funds = fund_records(topped_up(events, v["opening"] * 100, fin), periods, v["opening"] * 100, monthly, rng)
    if v["late"]:
        _publish_late(funds, asof, rng)

    for dec in decisions:
        disclose_result(dec, county, "村集体收入", rng, asof)
    return dict(people=people, decisions=decisions, funds=funds, pledges=pledges_of(v, people, years, asof, rng),
                completed=completed_records(done_by_year))


def _publish_late(funds: list[dict], asof: AsOf, rng: random.Random) -> None:
    """One earlier period published weeks after the grace days (a warning, GK411)."""
    old = [f for f in funds if Period(f["period"]).bounds[1] + timedelta(days=60) <= asof.last_done]
    if old:
        f = rng.choice(old)
        f["published"] = Period(f["period"]).bounds[1] + timedelta(days=rng.randint(20, 45))


# -- writing --------------------------------------------------------------------------------


@dataclass
class Stats:
    counties: int = 0
    townships: int = 0
    villages: int = 0
    decisions: int = 0
    funds: int = 0
    entries: int = 0
    pledges: int = 0
    completed: int = 0
    suggestions: int = 0
    files: int = 0
    bytes: int = 0
    photos: int = 0

    def __str__(self) -> str:
        return (f"{self.counties} 个县、{self.townships} 个乡镇、{self.villages} 个村；决策 {self.decisions} 条、"
                f"财务公开 {self.funds} 期（明细 {self.entries} 笔）、承诺 {self.pledges} 条、办结事项 {self.completed} 条、"
                f"群众建议 {self.suggestions} 条；"
                f"照片 {self.photos} 张；{self.files} 个文件，共 {self.bytes / 1024 / 1024:.1f} MB")


class _Writer:
    def __init__(self, out: Path, header: str, stats: Stats):
        self.out = out
        self.header = header
        self.stats = stats
        # inside a project (OUT beside content/), name each file's JSON Schema for VS Code
        schemas = out.resolve().parent / "content" / "schema"
        self.schemas = schemas if schemas.is_dir() else None

    def write(self, path: Path, body: str) -> None:
        head = self.header + "\n"
        if self.schemas:
            head += schema_comment(path.resolve(), self.schemas) + "\n"
        data = (head + "\n" + body).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.stats.files += 1
        self.stats.bytes += len(data)

    def write_bytes(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.stats.files += 1
        self.stats.bytes += len(data)
        self.stats.photos += 1


def _village_file(v: dict, county: dict, people: dict, rng: random.Random) -> dict:
    intro = f"{v['name']}位于{v['township']}，全村{v['households']}户，以{v['crop']}种植为主。"
    return dict(
        name=v["name"], code=Quoted(v["code"]), party_members=v["party_members"],
        representatives=v["representatives"], households=v["households"], one_person_both_posts=v["both"],
        high_volume=v["high_volume"], office_phone=office_phone(county, rng),
        office_hours="周一至周五 8:00-12:00、14:30-17:30，周末轮流值班",
        cadres=[dict(name=c["name"], role=c["role"]) for c in people["cadres"]],
        first_secretary=people["first_secretary"], duty_roster=people["roster"],
        supervision_committee=people["committee"],
        introduction=intro + ("收支笔数多，财务按月公开。" if v["high_volume"] else ""),
    )


def _records(built: dict) -> dict[str, list[tuple[int, dict]]]:
    return dict(
        decisions=[(int(d["id"][2:6]), decision_record(d)) for d in built["decisions"]],
        funds=[(int(f["period"][:4]), f) for f in built["funds"]],
        pledges=[(p["made"].year, pledge_record(p)) for p in built["pledges"]],
        completed=[(c["date"].year, c) for c in built["completed"]],
        suggestions=[(s["received"].year, suggestion_record(s)) for s in built["suggestions"]],
    )


def generate(out: Path, counties: int, villages: int, years: int, seed: int, today: date,
             progress=None, photos: int = PHOTO_PERCENT) -> Stats:
    """Write `counties` counties of `villages` villages with `years` years of records (the last
    one the year of `today`) into the folder `out`. `progress(text)` hears of each township.
    `photos`: the percentage of villages that photograph their vouchers and posted notices."""
    asof = AsOf(today, today - timedelta(days=2))
    year_list = list(range(today.year - years + 1, today.year + 1))
    stats = Stats()
    writer = _Writer(out, f"# 示例数据：由 gongkai sample 生成（种子 {seed}，截至 {today}），地名、人物和数字均为虚构", stats)
    county_names, codes = Gazetteer(random.Random(f"{seed}:counties")), set()
    for ci in range(counties):
        crng = random.Random(f"{seed}:county:{ci}")
        county = _county(crng, county_names, codes)
        cdir = out / county["slug"]
        writer.write(cdir / "county.yml", render_map(dict(
            name=county["name"], code=Quoted(county["code"]), supervision_phone=county["supervision_phone"],
            report_phone=county["report_phone"], sample=True,
            rules=dict(min_disclosure_days=MIN_DAYS, local_categories=LOCAL_CATEGORIES))))
        stats.counties += 1
        places, numbers = Gazetteer(crng), Counter()
        monthly = set(crng.sample(range(villages), max(1, round(villages / 8))))
        late = set(crng.sample(range(villages), max(1, round(villages / 25))))
        overdue = set(crng.sample(range(villages), max(1, round(villages / 10))))
        # drawn apart from the county's other choices: the share of photos changes no other data
        pilots = set(random.Random(f"{seed}:{county['slug']}:photos").sample(
            range(villages), max(1, round(villages * photos / 100)) if photos else 0))
        index = 0
        for size in township_sizes(crng, villages):
            township = _township(crng, county, places, numbers)
            tdir = cdir / township["slug"]
            writer.write(tdir / "township.yml", render_map(
                {k: township[k] for k in ("name", "code", "supervision_phone", "report_phone", "address")}))
            stats.townships += 1
            for number in range(1, size + 1):
                v = _village(crng, township, places, number, high_volume=index in monthly, late=index in late,
                             overdue=index in overdue)
                place = f"{seed}:{county['slug']}:{township['slug']}:{v['slug']}"
                _write_village(writer, tdir / v["slug"], county, township, v, year_list, asof,
                               random.Random(place), index in pilots, random.Random(f"{place}:suggestions"))
                index += 1
            if progress:
                progress(f"{county['name']}（第 {ci + 1}/{counties} 个县）{township['name']}：已生成 {index}/{villages} 个村")
    return stats


def _write_village(writer: _Writer, vdir: Path, county: dict, township: dict, v: dict, years: list[int],
                   asof: AsOf, rng: random.Random, photos: bool = True, srng: random.Random | None = None) -> None:
    built = build_village(county, township, v, years, asof, rng)
    # suggestions from a random stream of their own (srng): the other kinds are what they were without them
    built["suggestions"] = suggestions_of(v, built["people"], built["decisions"], years, asof, v["overdue"],
                                          srng or random.Random(f"{vdir.name}:suggestions"))
    writer.write(vdir / "village.yml", render_map(_village_file(v, county, built["people"], rng)))
    stats = writer.stats
    stats.villages += 1
    stats.entries += sum(len(f["entries"]) for f in built["funds"])
    records = _records(built)
    if photos:
        for rel, data in add_photos([r for _, r in records["decisions"]], [r for _, r in records["funds"]], years[-1],
                                    f"{rng.getrandbits(64)}/{vdir.parent.name}/{vdir.name}", vdir.name.upper()):
            writer.write_bytes(vdir / rel, data)
    for kind, recs in records.items():
        setattr(stats, kind, getattr(stats, kind) + len(recs))
        for y in years:
            year_recs = [r for ry, r in recs if ry == y]
            if year_recs:
                writer.write(vdir / kind / f"{y}.yml", render_list(year_recs))

