#!/usr/bin/env python3
"""Write the shipped sample data into villages/ (deletes and rewrites the folder).

    .venv/bin/python tools/make_sample.py

Places and figures come from published news reports (the "Sample data" section of the
project's domain notes, DOMAIN.md); the people are invented. Private persons appear only as a surname + 某.

The output is deterministic: every random choice comes from random.Random seeded with a
fixed value and the village's slug, and nothing depends on the current date. The sample is
written as of SAMPLE_TODAY: every date that has already happened is on or before it, fund
periods run up to the last period that ended before it.

YAML is written by hand (gongkai.load.yamltext, no dumper) so the files read like a clerk's. The
pieces a village is built from (people, votes, matters, pledges) are gongkai.adapters.samplekit, shared
with `gongkai sample`, which invents villages at any size; what is here is the hand-crafted part:
the real places and figures, and each village's own books.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

from gongkai import kinds
from gongkai.model import schema
from gongkai.model.period import Period
from gongkai.adapters.samplephotos import add_photos
from gongkai.adapters.samplekit import (
    GENERIC, LOCAL_CATEGORIES, MIN_DAYS, PLEDGES, Q1, Q3, SMALL, AsOf, Book, D, Ev, R, ceil_div, common_ledger,
    completed_records, decision_record, disclose_result, expand, fen, fund_records, make_people, make_pledge,
    month_end, office_phone, pay_decision, pledge_record, pledge_text, pledge_who, rdate, schedule, small_job,
    suggestion_record, suggestions_of, template_pledge, yuan_text,
)
from gongkai.load.yamltext import Money, Quoted, render_list, render_map, schema_comment, yaml_scalar

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "villages"
SCHEMAS = ROOT / "content" / "schema"  # written by `gongkai schema`
HEADER = "# 示例数据：由 tools/make_sample.py 生成，地名和数字取自公开报道，人物为虚构"
SEED = 20261122
SAMPLE_TODAY = date(2026, 11, 22)  # the day the sample is "as of"; not the machine's date
LAST_DONE = SAMPLE_TODAY - timedelta(days=2)  # nothing that happened is later than this
ASOF = AsOf(SAMPLE_TODAY, LAST_DONE)
YEARS = (2023, 2024, 2025, 2026)
# 督办单 two townships issued to a village with an overdue pledge (the guide's example is the first):
# one signed and answered, one signed and past its 15 days without a reply. 贾沟村, late too, is
# left a draft that names the next number (2).
DUBAN = {
    "huanghou": [dict(number=1, village="niangniangmiao", issued=date(2026, 11, 10), signed=date(2026, 11, 11),
                      reply=dict(date=date(2026, 11, 20), summary="已召开村“两委”会议研究，两项承诺年底前兑现，兑现后公示"))],
    "nanhedian": [dict(number=1, village="longwangmiao", issued=date(2026, 11, 2), signed=date(2026, 11, 3))],
}


# -- places ---------------------------------------------------------------------------------
# Counties, townships and villages named in DOMAIN.md; codes are real county prefixes with
# invented township and village suffixes; phones are invented office landlines, except the
# area code + 12388, the real public number of the 纪检监察 reporting line.

COUNTIES = [
    dict(
        slug="nanzhao", name="南召县", code="411321000000", area="0377", digits=8, lead="669",
        supervision_phone="0377-66922110", report_phone="0377-12388",
        pay=(1800, 1400, 1100), office_fund=(6000, 5000), three_party="all", cleaner_wage=1100,
        bank="南召县农村商业银行", grid="国网南召县供电公司",
        contractors=["南召县伏牛建设工程有限公司", "南召县宏达建筑工程有限公司", "南阳市白河市政工程有限公司"],
        shops=["南召县城关新华书店", "南召县惠民文具店", "南召县鑫鑫五金建材店"],
        where="党群服务中心公开栏、本网站",
        units=["南召县农业农村局", "南召县财政局", "南阳市委组织部", "南召县交通运输局", "南召县自然资源局",
               "南召县人民法院", "南召县水利局", "南召县教育局"],
        townships=[
            dict(slug="nanhedian", name="南河店镇", code="411321101000", address="南召县南河店镇南河店街",
                 supervision_phone="0377-66951210", report_phone="0377-66951012"),
            dict(slug="mashiping", name="马市坪乡", code="411321202000", address="南召县马市坪乡马市坪街",
                 supervision_phone="0377-66966110", report_phone="0377-66966012"),
            dict(slug="huanghou", name="皇后乡", code="411321205000", address="南召县皇后乡皇后街",
                 supervision_phone="0377-66938210", report_phone="0377-66938012"),
            dict(slug="yunyang", name="云阳镇", code="411321104000", address="南召县云阳镇新华路",
                 supervision_phone="0377-66981310", report_phone="0377-66981012"),
        ],
    ),
    dict(
        slug="ningling", name="宁陵县", code="411423000000", area="0370", digits=7, lead="78",
        supervision_phone="0370-7812110", report_phone="0370-12388",
        pay=(1350, 1080, 810), office_fund=(2700, 2250), three_party="projects", office_fund_label="村级办公和服务经费", cleaner_wage=800,
        bank="宁陵县农村商业银行", grid="国网宁陵县供电公司",
        contractors=["宁陵县鑫源建筑安装有限公司", "商丘市中原路桥工程有限公司", "宁陵县华通建设工程有限公司"],
        shops=["宁陵县文化办公用品商店", "宁陵县利民五金店", "宁陵县城关印刷厂"],
        where="村务公开栏、本网站",
        units=["宁陵县委组织部", "商丘市农业农村局", "宁陵县发展和改革委员会", "宁陵县水利局", "宁陵县市场监督管理局"],
        townships=[
            dict(slug="chengguan", name="城关回族镇", code="411423100000", address="宁陵县城关回族镇中山路",
                 supervision_phone="0370-7812601", report_phone="0370-7812602"),
            dict(slug="liuhe", name="柳河镇", code="411423106000", address="宁陵县柳河镇柳河街",
                 supervision_phone="0370-7871201", report_phone="0370-7871202"),
            dict(slug="chengjiao", name="城郊乡", code="411423203000", address="宁陵县城郊乡人民政府（县城南环路）",
                 supervision_phone="0370-7819301", report_phone="0370-7819302"),
        ],
    ),
    dict(
        slug="xiangfen", name="襄汾县", code="141023000000", area="0357", digits=7, lead="38",
        supervision_phone="0357-3822110", report_phone="0357-12388",
        pay=(2000, 1500, 1200), office_fund=(4500, 4000), three_party="none", cleaner_wage=1200,
        bank="山西襄汾农村商业银行", grid="国网襄汾县供电公司",
        contractors=["襄汾县晋南建筑工程有限公司", "临汾市汾河建设工程有限公司", "襄汾县丁村建筑安装有限公司"],
        shops=["襄汾县新华书店", "襄汾县兴达办公用品店", "襄汾县永顺五金店"],
        where="村务公开栏、本网站",
        units=["襄汾县农业农村局", "临汾市财政局", "襄汾县文化和旅游局", "襄汾县住房和城乡建设管理局", "襄汾县水利局"],
        townships=[
            dict(slug="gucheng", name="古城镇", code="141023104000", address="襄汾县古城镇古城街",
                 supervision_phone="0357-3851201", report_phone="0357-3851202"),
            dict(slug="xiangling", name="襄陵镇", code="141023105000", address="襄汾县襄陵镇襄陵街",
                 supervision_phone="0357-3861301", report_phone="0357-3861302"),
            dict(slug="zhaokang", name="赵康镇", code="141023102000", address="襄汾县赵康镇赵康街",
                 supervision_phone="0357-3871401", report_phone="0357-3871402"),
            dict(slug="jingmao", name="景毛乡", code="141023201000", address="襄汾县景毛乡景毛街",
                 supervision_phone="0357-3881501", report_phone="0357-3881502"),
        ],
    ),
]


SOLAR = {1: 0.7, 2: 0.8, 3: 1.0, 4: 1.1, 5: 1.2, 6: 1.2, 7: 1.15, 8: 1.15, 9: 1.0, 10: 0.9, 11: 0.75, 12: 0.65}

VILLAGES = [
    # ---------------------------------------------------------------- 南召县 南河店镇
    dict(
        county="nanzhao", township="nanhedian", slug="longwangmiao", name="龙王庙村", code="411321101203",
        households=520, party_members=38, representatives=35, both=True, surname="王", crop="香菇",
        opening=86000,
        introduction="龙王庙村位于南河店镇，新建了两层的党群服务中心，建成文化广场和戏台；通往扶贫车间的路两旁建起党建文化长廊，沿线群众主动伐除杨树8000棵，不要一分钱补偿。",
        decisions=[
            D(2023, 3, "新建两层村党群服务中心", "公益事业", "村干部提议", 680000,
              "原村部房屋老旧狭小，拟在原址新建两层党群服务中心，建筑面积约560平方米，设便民服务大厅、党员活动室和会议室。",
              work=150, grant=560000, done="两层党群服务中心建成投用，便民服务大厅、党员活动室、会议室同步启用"),
            D(2023, 8, "建设文化广场和戏台", "公益事业", "党员群众建议", 360000,
              "群众反映村里没有开展文体活动的场地，拟在党群服务中心南侧建设文化广场约2400平方米，配建戏台一座。",
              work=170, grant=300000, done="文化广场和戏台建成，春节期间已举办两场村晚"),
            D(2024, 3, "通往扶贫车间道路两侧建设党建文化长廊", "公益事业", "上级安排", 128000,
              "通往扶贫车间的道路两侧原有杨树8000余棵，遮挡视线、影响通行，沿线群众主动伐除，不要任何补偿；拟沿路建设党建文化长廊约900米。",
              work=75, grant=100000, done="党建文化长廊约900米建成，道路通行条件明显改善"),
            D(2025, 4, "党群服务中心配套停车场硬化", "公益事业", "党员群众建议", 86000,
              "群众来办事车辆无处停放，拟将党群服务中心东侧空地硬化为停车场，约1100平方米。",
              work=50, done="停车场硬化约1100平方米，划设车位40个"),
            D(2026, 5, "文化广场增设健身器材和照明", "公益事业", "党员群众建议", 46000,
              "晚上到广场跳舞、散步的群众多，拟增设健身器材12件、高杆灯2座。",
              work=60, done="健身器材12件、高杆灯2座安装完成"),
        ],
        ledger=[R("in", "各项收入", "扶贫车间厂房租金（{q}季度）", "南召县龙腾制衣有限公司", 6000, months=Q1, day=(10, 20))],
        pledges=[
            (2023, "党群服务中心年内建成投用", date(2023, 12, 31), "sec", "kept"),
            (2024, "党建文化长廊6月底前完工", date(2024, 6, 30), "sec", "kept"),
        ],
    ),
    dict(
        county="nanzhao", township="nanhedian", slug="guoying", name="郭营村", code="411321101211",
        households=680, party_members=46, representatives=41, both=True, high_volume=True, surname="郭", crop="香菇",
        opening=52000,
        introduction="郭营村半年内筹集村庄建设资金600万元；建设文化广场需要用地6.3亩，涉及的26户群众全部无偿让出。收支笔数多，财务按月公开。",
        decisions=[
            D(2023, 2, "村庄建设资金筹集方案（计划筹集600万元）", "筹资筹劳", "村干部提议", 6000000,
              "计划用半年时间，通过争取上级项目资金、乡贤和群众自愿捐资等方式筹集村庄建设资金600万元，用于文化广场、主干道拓宽和排水、路灯绿化；捐资自愿，不摊派，逐笔公开。",
              result="半年内共筹集600万元：上级项目资金360万元（其中县财政直接支付240万元），乡贤和群众自愿捐资240万元，捐资明细已按月逐笔公开。",
              result_after=175),
            D(2023, 3, "建设郭营村文化广场", "公益事业", "党员群众建议", 1280000,
              "文化广场需用地6.3亩，涉及26户群众的承包地和房前屋后边角地，26户群众全部无偿让出，不要补偿；建设资金从村庄建设资金中列支。",
              work=160, done="文化广场建成，占地6.3亩，由26户群众无偿让地"),
            D(2023, 4, "主干道拓宽硬化及排水沟建设", "公益事业", "党员群众建议", 3200000,
              "主干道2.8公里拓宽至6米并硬化，两侧新建排水沟，资金由县级项目资金和村庄建设资金共同承担。",
              work=200, direct=2400000, done="主干道2.8公里拓宽硬化，两侧排水沟全部贯通"),
            D(2023, 7, "村内安装太阳能路灯和道路绿化", "公益事业", "村干部提议", 420000,
              "主干道和各组道路安装太阳能路灯160盏，主干道两侧栽植行道树。",
              work=90, done="太阳能路灯160盏安装完成，主干道两侧栽植行道树1800棵"),
            D(2024, 4, "文化广场周边游园建设", "公益事业", "党员群众建议", 260000,
              "在文化广场北侧建设游园一处，铺设步道、栽植花木、设置座椅。", work=100,
              done="游园建成，步道约600米"),
            D(2025, 3, "村卫生室和便民服务点改造", "公益事业", "党员群众建议", 150000,
              "村卫生室房屋漏雨、面积小，拟改造扩建，并在旁边设置便民服务点。", work=80,
              done="村卫生室改造扩建完成，便民服务点投入使用"),
            D(2026, 4, "文化广场舞台顶棚建设", "公益事业", "党员群众建议", 98000,
              "广场舞台没有顶棚，夏天晒、雨天不能用，拟加建钢结构顶棚。", work=70,
              done="舞台钢结构顶棚建成"),
        ],
        ledger=[
            R("in", "各项收入", "村集体门面房租金（{m}月）", "南召县郭营便民超市", 1500, day=(2, 6)),
            R("in", "各项收入", "村集体门面房租金（{m}月）", "李某", 1200, day=(2, 8)),
            R("out", "各项支出", "垃圾清运费（{m}月）", "南召县南河店镇环卫服务站", 600, 900, day=(26, 28)),
            R("out", "各项支出", "村内路灯和广场用电（{m}月）", "国网南召县供电公司", 260, 680, day=(8, 12), cents=True,
              start=date(2023, 11, 1)),
            R("out", "各项支出", "文化广场管护员工资（{m}月）", "郭某", 900, day=(26, 28), start=date(2023, 10, 1)),
        ],
        pledges=[
            (2023, "捐资明细逐笔在本网站和公开栏公开，每月更新", 300, "sec", "kept"),
            (2024, "文化广场游园年内完工并向群众开放", date(2024, 12, 31), "sec", "kept"),
        ],
    ),
    # ---------------------------------------------------------------- 南召县 马市坪乡
    dict(
        county="nanzhao", township="mashiping", slug="baizhuang", name="白庄村", code="411321202206",
        households=410, party_members=29, representatives=31, both=False, surname="白", crop="桃子",
        opening=64000,
        introduction="白庄村修建了幸福渠和惠民路，利用荒坡地发展集体果园，建起蔬菜大棚。",
        decisions=[
            D(2023, 3, "修建幸福渠", "公益事业", "党员群众建议", 420000,
              "村里耕地灌溉靠天吃饭，拟从白河支流引水修建灌溉渠2.6公里，命名“幸福渠”，可灌溉耕地约800亩。",
              work=120, grant=380000, done="幸福渠2.6公里建成通水，灌溉耕地约800亩"),
            D(2023, 9, "硬化惠民路", "公益事业", "党员群众建议", 580000,
              "村委会至三组、四组道路坑洼不平，拟硬化道路1.9公里，宽4.5米，命名“惠民路”。",
              work=110, direct=480000, done="惠民路1.9公里硬化完成"),
            D(2024, 3, "发展集体果园", "集体经济项目", "村干部提议", 260000,
              "利用村集体荒坡地80亩发展桃、梨果园，村集体统一经营，收益归集体。",
              work=60, grant=200000, done="集体果园80亩栽植完成，桃、梨苗木成活率95%以上"),
            D(2025, 2, "新建蔬菜大棚12座", "集体经济项目", "上级安排", 480000,
              "利用衔接资金建设钢架蔬菜大棚12座，建成后由村集体对外承包，承包费归村集体。",
              work=150, grant=420000, done="钢架蔬菜大棚12座建成"),
            D(2025, 10, "蔬菜大棚对外承包", "土地承包", "村干部提议", None,
              "12座蔬菜大棚公开发包，承包期3年，底价每座每年2400元，价高者得，同等条件下本村农户优先。",
              result="12座大棚由南召县白庄蔬菜种植专业合作社承包，合同已签订，年承包费28800元，每年3月底前交清。",
              result_after=25),
            D(2026, 6, "集体果园收益使用方案", "集体收益使用", "村干部提议", None,
              "2025年果园销售收入扣除管护成本后，拟60%用于幸福渠和惠民路日常管护，40%留作集体发展资金。",
              result="已按方案执行，支出明细见2026年各季度财务公开。", result_after=60),
        ],
        ledger=[
            R("in", "各项收入", "集体果园桃子销售收入", "南召县乡味农产品有限公司", 9000, 16000, months=(7, 8),
              start=date(2025, 1, 1)),
            R("out", "各项支出", "集体果园修剪、施肥务工费", "务工群众（6人）", 2500, 4000, months=(3, 11),
              start=date(2024, 6, 1)),
            R("in", "各项收入", "蔬菜大棚承包费（{y}年度，12座）", "南召县白庄蔬菜种植专业合作社", 28800, months=(3,),
              start=date(2026, 1, 1)),
        ],
        pledges=[(2023, "幸福渠秋播前通水", date(2023, 9, 30), "sec", "kept")],
    ),
    # ---------------------------------------------------------------- 南召县 皇后乡
    dict(
        county="nanzhao", township="huanghou", slug="niangniangmiao", name="娘娘庙村", code="411321205208",
        households=450, party_members=33, representatives=33, both=True, surname="刘", crop="香菇",
        opening=158000,
        introduction="娘娘庙村建成投资400万元、装机500千瓦的村级光伏电站，每年为村集体增收30万元以上。",
        annual=dict(month=2, title="{y}年度光伏电站收益分配使用方案", category="集体收益使用", origin="上级安排",
                    summary="光伏电站上年发电收益全部进入村集体账户，拟40%用于设置光伏公益岗位（保洁、护林、护路共20个），30%用于村内小型公益事业，30%留作村集体发展资金。",
                    result="已按方案执行：全年发放光伏公益岗位补贴120000元，其余收支明细见各季度财务公开。"),
        decisions=[
            D(2023, 5, "光伏电站运维服务外包", "集体经济项目", "村干部提议", None,
              "电站运维服务公开比选，运维单位负责日常巡检、故障维修，每年清洗组件两次，每季度运维费3000元。",
              result="经比选，由南阳市阳光新能源运维有限公司负责运维，合同期3年，运维费按季度支付。", result_after=20),
            D(2024, 4, "利用光伏收益硬化五组、六组道路", "公益事业", "党员群众建议", 195000,
              "五组、六组道路1.3公里仍是土路，拟用光伏收益硬化。", work=80, done="五组、六组道路1.3公里硬化完成"),
            D(2025, 6, "光伏电站逆变器更换", "集体经济项目", "村干部提议", 68000,
              "电站两台逆变器运行已满8年，故障增多，影响发电收益，拟更换。", work=30, asset=True,
              done="两台逆变器更换完成，电站恢复满负荷发电"),
            D(2026, 3, "村内排水沟改造", "公益事业", "党员群众建议", 120000,
              "村内主街排水沟年久淤塞，雨天积水，拟改造为暗沟并加盖板。", work=100, done="主街排水沟改造完成"),
        ],
        ledger=[
            R("in", "各项收入", "光伏电站发电收益（{m}月）", "国网南召县供电公司", 22000, 26000, day=(15, 22),
              cents=True, season=SOLAR),
            R("out", "各项支出", "光伏公益岗位补贴（{m}月，20人）", "公益岗位人员（20人）", 10000, day=(25, 28)),
            R("out", "各项支出", "光伏电站运维费（{q}季度）", "南阳市阳光新能源运维有限公司", 3000, months=Q3,
              day=(20, 25), start=date(2023, 7, 1)),
            R("out", "各项支出", "光伏组件清洗", "南阳市阳光新能源运维有限公司", 2500, months=(4, 10), day=(10, 20),
              start=date(2023, 7, 1)),
        ],
        pledges=[
            (2024, "光伏发电收益每月按时入账并在本网站公开", 260, "sec", "kept"),
            (2026, "追回逆变器故障停机期间的发电损失", 110, "sec", "overdue"),
        ],
    ),
    dict(
        county="nanzhao", township="huanghou", slug="jiagou", name="贾沟村", code="411321205214",
        households=360, party_members=27, representatives=29, both=False, surname="贾", crop="香菇",
        opening=73000,
        introduction="贾沟村把160.8万元试点资金入股农业公司，村集体每年获得分红10万至15万元。",
        annual=dict(month=2, title="{y}年度入股分红收益使用方案", category="集体收益使用", origin="村干部提议", since=2024,
                    summary="上年度收到农业公司入股分红，拟用于村内道路维护、保洁员工资和公益事业，结余留作发展资金。",
                    result="已按方案执行，分红收入和支出明细见各季度财务公开。"),
        decisions=[
            D(2023, 2, "160.8万元试点资金入股农业公司", "集体经济项目", "上级安排", 1608000,
              "利用扶持村级集体经济发展试点资金160.8万元，入股南召县丰源农业开发有限公司（中药材、食用菌种植加工），村集体每年按协议分红，不低于10万元。",
              result="试点资金160.8万元已入股，入股协议签订，公司每半年向村集体支付一次分红。", result_after=25),
            D(2024, 9, "村部院内硬化及围墙修缮", "公益事业", "党员群众建议", 75000,
              "村部院内雨天泥泞，围墙部分倒塌，拟硬化院内地面并修缮围墙。", work=45,
              done="村部院内硬化约600平方米，围墙修缮完成"),
            D(2025, 5, "三组、四组生产路修缮", "公益事业", "党员群众建议", 110000,
              "三组、四组生产路路面破损，农用车通行困难，拟修缮1.4公里。", work=60, done="生产路1.4公里修缮完成"),
            D(2026, 7, "中药材晾晒场建设", "集体经济项目", "村干部提议", 130000,
              "群众种植的中药材缺少晾晒场地，拟建设晾晒场约2000平方米，建成后收取少量管护费。", work=150,
              done="中药材晾晒场建成"),
        ],
        ledger=[
            R("in", "各项收入", "入股分红（{y}年{h}）", "南召县丰源农业开发有限公司", 50000, 75000, months=(6, 12),
              day=(20, 28), start=date(2023, 12, 1)),
        ],
        pledges=[
            (2025, "年底前收回入股分红并公开使用情况", date(2025, 12, 31), "sec", "kept"),
            (2026, "中药材晾晒场10月底前建成", date(2026, 10, 31), "dir", "overdue"),
        ],
    ),
    # ---------------------------------------------------------------- 南召县 云阳镇
    dict(
        county="nanzhao", township="yunyang", slug="baihang", name="白行村", code="411321104201",
        households=760, party_members=52, representatives=45, both=True, surname="白", crop="香菇",
        opening=96000,
        introduction="白行村投资205万元，建设文化广场、沿街商铺和游园，商铺租金归村集体。",
        decisions=[
            D(2023, 3, "建设文化广场、沿街商铺和游园（总投资205万元）", "集体经济项目", "村干部提议", 2050000,
              "在村委会东侧建设文化广场约3000平方米、沿街商铺8间、游园1处，总投资205万元；商铺建成后出租，租金归村集体。",
              work=210, direct=1500000, grant=400000, done="文化广场约3000平方米、沿街商铺8间、游园1处全部建成"),
            D(2024, 5, "沿街商铺公开招租", "集体财产处分", "村干部提议", None,
              "8间沿街商铺公开招租，租期3年，底价每间每年12000元，公开竞价。",
              result="8间商铺全部租出，年租金合计96000元，按季度收取。", result_after=30),
            D(2025, 4, "游园补植绿化和增设路灯", "公益事业", "党员群众建议", 68000,
              "游园部分苗木死亡，晚上照明不足，拟补植苗木、增设庭院灯24盏。", work=60,
              done="游园补植苗木，增设庭院灯24盏"),
            D(2026, 3, "商铺租金收益使用方案", "集体收益使用", "村干部提议", None,
              "2025年商铺租金收入96000元，拟用于游园和广场管护、保洁员工资，结余留作发展资金。",
              result="已按方案执行，支出明细见各季度财务公开。", result_after=200),
        ],
        ledger=[
            R("in", "各项收入", "沿街商铺租金（{q}季度，8间）", "商铺承租户（8户）", 24000, months=Q1, day=(3, 10),
              start=date(2024, 7, 1)),
            R("out", "各项支出", "游园和广场管护费（{m}月）", "白某", 600, day=(26, 28), start=date(2024, 1, 1)),
        ],
        pledges=[(2024, "商铺招租全程公开，租金按季度公布", 220, "sec", "kept")],
    ),
    dict(
        county="nanzhao", township="yunyang", slug="qinggangba", name="青杠扒村", code="411321104219",
        households=390, party_members=31, representatives=30, both=False, surname="张", crop="香菇",
        opening=41000,
        introduction="青杠扒村投资30万元新建村部；村里的服装加工车间让66户贫困户在家门口就业。",
        decisions=[
            D(2023, 3, "新建村部", "公益事业", "上级安排", 300000,
              "原村部租用民房，拟新建村部（村级活动场所）一处，面积约320平方米，总投资30万元。",
              work=140, grant=250000, done="新村部建成，面积约320平方米"),
            D(2023, 10, "服装加工车间厂房对外出租", "集体财产处分", "村干部提议", None,
              "集体所有的服装加工车间厂房出租给服装加工企业，年租金30000元；企业优先招用本村脱贫户。",
              result="已与南召县青杠扒服饰加工厂签订租赁合同，车间带动66户贫困户家庭劳动力在家门口就业。",
              result_after=30),
            D(2024, 5, "车间门前道路和停车场硬化", "公益事业", "党员群众建议", 88000,
              "车间门前道路狭窄，上下班拥堵，拟拓宽硬化并建设小型停车场。", work=50, done="车间门前道路拓宽硬化，停车场建成"),
            D(2025, 6, "一事一议：二组、三组道路硬化", "筹资筹劳", "党员群众建议", 150000,
              "二组、三组道路0.9公里硬化，按一事一议办法，每人筹资15元、每个劳力筹劳2个工日，申请财政奖补资金12万元。",
              work=90, grant=120000, done="二组、三组道路0.9公里硬化完成"),
            D(2026, 4, "村部便民服务室改造", "公益事业", "村干部提议", 60000,
              "便民服务室面积小，群众办事排队，拟改造扩大并增设自助服务终端。", work=60, done="便民服务室改造完成"),
        ],
        ledger=[
            R("in", "各项收入", "服装加工车间厂房租金（{y}年度）", "南召县青杠扒服饰加工厂", 30000, months=(1,), day=(10, 20),
              start=date(2024, 1, 1)),
        ],
        pledges=[(2023, "年内为服装加工车间找到承租企业开工，优先招用本村脱贫户", date(2023, 12, 31), "sec", "kept")],
    ),
    # ---------------------------------------------------------------- 宁陵县
    dict(
        county="ningling", township="chengguan", slug="beiguan", name="北关村", code="411423100204",
        households=1150, party_members=68, representatives=55, both=True, surname="马", crop="酥梨",
        opening=132000,
        introduction="北关村在县城北关，村里有一本四议两公开记录本：党员群众提出雨季排水问题，村党支部答复已与县城市管理局联系。",
        decisions=[
            D(2023, 6, "雨季排水：主街排水沟清淤疏通", "公益事业", "党员群众建议", 68000,
              "党员群众在四议两公开记录本上提出：每到雨季主街积水，影响出行。村党支部答复：已与县城市管理局联系，主街雨水管由城管局负责接入市政管网；村里负责主街排水沟清淤疏通和破损盖板更换。",
              work=30, done="主街排水沟清淤1.2公里，更换破损盖板86块，雨天积水明显减少"),
            D(2024, 4, "农贸市场摊位公开出租", "集体财产处分", "村干部提议", None,
              "村集体农贸市场42个摊位公开出租，租期2年，每个摊位每季度450元，本村群众优先。",
              result="42个摊位全部租出，每季度收取摊位费18900元。", result_after=30),
            D(2025, 3, "县城南环路拓宽征地补偿款分配方案", "征地补偿", "上级安排", None,
              "县城南环路拓宽征收本村集体土地18.6亩，补偿款1236000元，拟70%按地分配给被征地农户，30%留村集体用于公益事业。",
              body="村民会议", result="补偿款已按方案发放：被征地农户37户分得865200元，村集体留存370800元。",
              result_after=55),
            D(2026, 4, "背街小巷安装路灯", "公益事业", "党员群众建议", 56000,
              "背街小巷晚上没有照明，拟安装路灯40盏。", work=50, done="背街小巷路灯40盏安装完成"),
        ],
        ledger=[
            R("in", "各项收入", "农贸市场摊位费（{q}季度，42个摊位）", "摊位承租户（42户）", 18900, months=Q1, day=(5, 15),
              start=date(2024, 7, 1)),
        ],
        pledges=[
            (2025, "协调县城市管理局汛期前完成主街雨水管接入市政管网", date(2025, 5, 31), "sec", "revised_overdue",
             "县城市管理局雨污分流工程调整到下半年施工，经村“两委”联席会议研究并公示，期限顺延"),
            (2023, "四议两公开记录本上的群众意见7日内答复", 240, "sec", "kept"),
        ],
    ),
    dict(
        county="ningling", township="liuhe", slug="chenglou", name="成楼村", code="411423106210",
        households=620, party_members=40, representatives=39, both=True, surname="成", crop="酥梨",
        opening=58000,
        introduction="成楼村新建了党员活动室和文化活动室，村干部轮流坐班，值班表在公开栏公示。",
        decisions=[
            D(2023, 4, "新建村级活动室", "公益事业", "上级安排", 220000,
              "在村委会院内新建党员活动室、文化活动室和便民服务室共3间，面积约180平方米。",
              work=120, grant=180000, done="党员活动室、文化活动室、便民服务室建成投用"),
            D(2024, 6, "主街排水管网改造", "公益事业", "党员群众建议", 135000,
              "主街排水管管径小，雨天排水不畅，拟更换排水管约800米。", work=70, done="主街排水管更换约800米"),
            D(2025, 8, "村集体机动地公开发包", "土地承包", "村干部提议", None,
              "村集体机动地85亩公开发包，承包期5年，底价每亩每年550元，公开竞价。",
              result="由宁陵县成楼种植专业合作社以每亩每年600元竞得，年承包费51000元。", result_after=25),
            D(2026, 5, "编制成楼村村庄规划", "村庄规划", "上级安排", None,
              "按照县里统一部署编制村庄规划，明确宅基地、公共服务设施和产业用地布局。",
              result="村庄规划草案已公示30天，收到群众意见9条，已采纳6条，报乡镇审查。", result_after=120),
        ],
        ledger=[
            R("in", "各类资源", "机动地承包费（{y}年度，85亩）", "宁陵县成楼种植专业合作社", 51000, months=(10,),
              day=(15, 25), start=date(2025, 10, 1)),
        ],
        pledges=[(2023, "新建活动室年内投入使用，值班表同步公示", date(2023, 12, 31), "sec", "kept")],
    ),
    dict(
        county="ningling", township="liuhe", slug="yangzhuang", name="杨庄村", code="411423106223",
        households=430, party_members=26, representatives=31, both=False, surname="杨", crop="酥梨",
        opening=47000,
        introduction="杨庄村（示例中虚构的村）以小麦、花生和宁陵酥梨种植为主，村集体建有酥梨冷库。",
        decisions=[
            D(2023, 3, "梨园节水灌溉改造", "集体经济项目", "党员群众建议", 160000,
              "集体梨园120亩大水漫灌费水费工，拟改为滴灌。", work=70, grant=130000, done="集体梨园120亩滴灌改造完成"),
            D(2024, 4, "一事一议：三组、四组道路硬化", "筹资筹劳", "党员群众建议", 180000,
              "三组、四组道路1.1公里硬化，按一事一议办法，每人筹资15元、每个劳力筹劳2个工日，申请财政奖补资金15万元。",
              work=90, grant=150000, done="三组、四组道路1.1公里硬化完成"),
            D(2025, 3, "建设酥梨冷库", "集体经济项目", "村干部提议", 380000,
              "梨果集中上市时价格低，拟建设500吨酥梨冷库，建成后出租，租金归村集体。", work=170, grant=330000,
              done="500吨酥梨冷库建成"),
            D(2025, 10, "酥梨冷库对外出租", "集体财产处分", "村干部提议", None,
              "冷库公开出租，租期3年，底价每年32000元。",
              result="由宁陵县杨庄酥梨专业合作社以每年36000元租用，合同已签订。", result_after=20),
            D(2026, 3, "冷库租金收益使用方案", "集体收益使用", "村干部提议", None,
              "2025年冷库租金36000元，拟用于梨园管护和村内保洁，结余留作发展资金。",
              result="已按方案执行，支出明细见各季度财务公开。", result_after=200),
        ],
        ledger=[
            R("in", "各项收入", "酥梨冷库租金（{y}年度）", "宁陵县杨庄酥梨专业合作社", 36000, months=(11,), day=(10, 20),
              start=date(2025, 11, 1)),
        ],
        pledges=[(2025, "酥梨冷库9月底前建成，赶上当年梨果入库", date(2025, 9, 30), "dir", "revised_kept",
                  "冷库制冷设备到货推迟，经村务监督委员会同意，期限顺延")],
    ),
    dict(
        county="ningling", township="chengjiao", slug="chenkechang", name="陈克常村", code="411423203207",
        households=540, party_members=35, representatives=35, both=False, surname="陈", crop="酥梨",
        opening=39000,
        introduction="陈克常村在村委会门口设立公示牌，公布村干部坐班时间、值班人员和办公电话。",
        decisions=[
            D(2023, 3, "设置村务公开栏和坐班值班公示牌", "公益事业", "上级安排", 12000,
              "在村委会门口设置村务公开栏和公示牌，公布村干部坐班时间、值班人员和办公电话。",
              work=25, done="村务公开栏和坐班值班公示牌设置完成"),
            D(2024, 5, "村卫生室改造", "公益事业", "党员群众建议", 60000,
              "村卫生室房屋破旧，拟翻修屋面、粉刷墙面、更换门窗。", work=45, done="村卫生室翻修完成"),
            D(2025, 4, "村东坑塘整治", "公益事业", "党员群众建议", 90000,
              "村东坑塘淤积、垃圾多，拟清淤、护坡、安装护栏。", work=60, done="村东坑塘清淤护坡完成，安装护栏320米"),
            D(2025, 8, "村东坑塘养殖承包", "集体经济项目", "村干部提议", None,
              "整治后的坑塘公开发包用于养殖，承包期5年，底价每年7000元。",
              result="坑塘公开发包，由陈某以每年8000元承包，合同已签订。", result_after=20),
            D(2026, 5, "农田机井配套电力设施", "公益事业", "上级安排", 140000,
              "村南农田机井缺少配套电力，浇地靠柴油机，拟架设低压线路和配电箱。", work=150, grant=120000,
              done="农田机井配套低压线路和配电箱安装完成"),
        ],
        ledger=[
            R("in", "各类资源", "坑塘承包费（{y}年度）", "陈某", 8000, months=(10,), day=(10, 20), start=date(2025, 10, 1)),
        ],
        pledges=[(2023, "坐班值班公示牌和值班电话保持更新，人员变动3日内更换", 260, "sec", "kept")],
    ),
    # ---------------------------------------------------------------- 襄汾县
    dict(
        county="xiangfen", township="gucheng", slug="guancun", name="关村", code="141023104205",
        households=880, party_members=57, representatives=47, both=True, surname="关", crop="冬枣",
        opening=121000, members=2960,
        introduction="关村发展冬枣大棚，冬枣成为群众增收的主要产业，集体大棚承包费归村集体。",
        dividend=dict(since=2025, month=4, per_person=25, pay_month=5, title="{py}年度集体收益分配方案",
                      origin="村干部提议", source="冬枣大棚承包费"),
        decisions=[
            D(2023, 3, "新建集体冬枣大棚30座", "集体经济项目", "村干部提议", 900000,
              "利用衔接资金和村集体资金新建冬枣钢架大棚30座，建成后对外承包，承包费归村集体。",
              work=200, grant=750000, done="冬枣钢架大棚30座建成"),
            D(2023, 11, "冬枣大棚公开发包", "土地承包", "村干部提议", None,
              "30座冬枣大棚公开发包，承包期5年，底价每座每年3000元，本村种植户优先。",
              result="30座大棚由18户种植户承包，年承包费96000元，每年3月底前交清。", result_after=20),
            D(2024, 5, "冬枣交易市场场地硬化", "集体经济项目", "党员群众建议", 160000,
              "冬枣上市时客商车辆多，场地泥泞，拟硬化交易场地约4000平方米。", work=60,
              done="冬枣交易场地硬化约4000平方米"),
            D(2025, 4, "冬枣电商服务站建设", "集体经济项目", "上级安排", 85000,
              "建设冬枣电商服务站，配备打包、冷藏设备，帮助群众网上销售。", work=70, asset=True,
              done="冬枣电商服务站建成，配备打包台和冷藏柜"),
            D(2026, 3, "冬枣大棚棚膜和卷帘机更新", "集体经济项目", "村干部提议", 120000,
              "集体大棚棚膜老化，部分卷帘机损坏，拟统一更新。", work=60, grant=80000, done="30座大棚棚膜和卷帘机更新完成"),
        ],
        ledger=[
            R("in", "各项收入", "冬枣大棚承包费（{y}年度，30座）", "大棚承包户（18户）", 96000, months=(3,), day=(20, 30),
              start=date(2024, 1, 1)),
            R("in", "各项收入", "冬枣交易市场场地租赁费（{y}年度）", "襄汾县古城冬枣购销有限公司", 30000, months=(9,),
              day=(10, 20), start=date(2024, 9, 1)),
        ],
        pledges=[(2024, "帮助冬枣种植户联系外地客商，销售冬枣50万斤", 200, "fs", "kept")],
    ),
    dict(
        county="xiangfen", township="xiangling", slug="huangya", name="黄崖村", code="141023105212",
        households=300, party_members=24, representatives=27, both=False, surname="黄", crop="苹果",
        opening=68000, force={2024: ["loan"]},
        introduction="黄崖村配合景区开发，按协议景区门票收入的15%归村集体。",
        annual=dict(month=2, title="{y}年度景区分成收益使用方案", category="集体收益使用", origin="村干部提议", since=2024,
                    summary="上年度收到景区门票分成收入，拟用于村内道路和环境维护、保洁员工资，结余留作发展资金。",
                    result="已按方案执行，分成收入和支出明细见各季度财务公开。"),
        decisions=[
            D(2023, 3, "与景区签订门票收入分成协议", "集体经济项目", "村干部提议", None,
              "村集体以山林、道路等资源配合景区开发，与景区公司签订协议：景区门票收入的15%归村集体，按季度结算。",
              result="协议已签订，自2023年第二季度起按季度结算门票分成。", result_after=20),
            D(2024, 6, "景区入口至村道路环境整治", "公益事业", "党员群众建议", 85000,
              "景区入口至村道路两侧杂乱，拟清理垃圾、栽植花木、设置护栏。", work=50,
              done="景区入口至村道路两侧环境整治完成"),
            D(2025, 5, "景区停车场建设", "集体经济项目", "村干部提议", 230000,
              "旅游旺季车辆乱停，拟在村口建设停车场约5000平方米，由村集体经营。", work=120, grant=150000,
              done="村口停车场建成，约5000平方米"),
            D(2026, 6, "村史陈列室布展", "公益事业", "党员群众建议", 45000,
              "利用旧村委会房屋布置村史陈列室，展示村里老物件和发展变化。", work=80, done="村史陈列室布展完成并开放"),
        ],
        ledger=[
            R("in", "各项收入", "景区门票收入分成（{pq}，15%）", "襄汾县黄崖山景区管理有限公司", 18000, 24000, months=Q1,
              day=(10, 20), start=date(2023, 7, 1), season={1: 1.0, 4: 0.8, 7: 2.0, 10: 2.4}),
        ],
        pledges=[(2023, "每季度在公开栏和本网站公开景区门票分成收入", 280, "sec", "kept")],
    ),
    dict(
        county="xiangfen", township="zhaokang", slug="beichai", name="北柴村", code="141023102203",
        households=1020, party_members=63, representatives=51, both=True, surname="柴", crop="小麦",
        opening=77000,
        introduction="北柴村把集体机井公开承包给个人管护经营，承包费归村集体，浇地服务收费标准上墙公示。",
        decisions=[
            D(2023, 2, "集体机井公开承包管护", "集体经济项目", "村干部提议", None,
              "村集体机井24眼公开承包给个人管护经营，承包期3年，承包人负责日常维修和浇地服务，收费标准公示，底价每眼每年1500元。",
              result="24眼机井由9人承包，年承包费36000元，每年4月底前交清。", result_after=20),
            D(2024, 3, "机井配套电力设施改造", "公益事业", "上级安排", 186000,
              "部分机井配电线路老化，存在安全隐患，拟更换线路和配电箱。", work=90, grant=160000,
              done="24眼机井配电线路和配电箱更换完成"),
            D(2025, 5, "村内主街下水管网改造", "公益事业", "党员群众建议", 240000,
              "主街下水管堵塞，污水外溢，拟更换下水管约1500米。", work=100, grant=200000, done="主街下水管更换约1500米"),
            D(2026, 2, "机井承包期满重新发包", "集体经济项目", "村干部提议", None,
              "机井承包期满，继续公开发包，承包期3年，底价每眼每年1600元。",
              result="24眼机井重新发包，由8人承包，年承包费40800元。", result_after=20),
        ],
        ledger=[
            R("in", "各类资源", "机井承包费（{y}年度，24眼）", "机井承包户（张某等9人）", 36000, months=(4,), day=(20, 28),
              start=date(2023, 4, 1), end=date(2025, 12, 31)),
            R("in", "各类资源", "机井承包费（{y}年度，24眼）", "机井承包户（张某等8人）", 40800, months=(4,), day=(20, 28),
              start=date(2026, 1, 1)),
        ],
        pledges=[(2023, "机井承包费每年4月底前收齐并公开", date(2023, 4, 30), "dir", "kept")],
    ),
    dict(
        county="xiangfen", township="jingmao", slug="dongli", name="东李村", code="141023201209",
        households=720, party_members=44, representatives=41, both=False, surname="李", crop="小麦",
        opening=88000, members=2450,
        introduction="东李村把闲置的旧集贸市场作价入股工厂，村集体按股分红。",
        dividend=dict(since=2024, month=2, per_person=30, pay_month=3, title="{py}年度入股分红收益分配方案",
                      origin="村干部提议", source="旧集贸市场入股工厂的分红"),
        decisions=[
            D(2023, 3, "旧集贸市场作价入股工厂", "集体财产处分", "村干部提议", None,
              "闲置的旧集贸市场占地约9亩，经评估作价80万元，入股襄汾县东李食品加工厂，村集体按股分红，每年保底不少于10万元。",
              result="入股协议已签订，工厂扩建投产，吸纳本村群众60余人务工。", result_after=30),
            D(2024, 7, "村内主巷道硬化", "公益事业", "党员群众建议", 150000,
              "村内主巷道1.6公里仍是砂石路，拟硬化。", work=60, done="主巷道1.6公里硬化完成"),
            D(2025, 6, "文化活动广场建设", "公益事业", "党员群众建议", 210000,
              "村里没有活动场地，拟在村委会西侧建设文化活动广场约2000平方米。", work=100, grant=160000,
              done="文化活动广场建成，约2000平方米"),
            D(2026, 6, "主巷道排水沟改造", "公益事业", "党员群众建议", 90000,
              "主巷道两侧排水沟破损，拟改造为盖板暗沟。", work=70, done="主巷道排水沟改造完成"),
        ],
        ledger=[
            R("in", "各项收入", "旧集贸市场入股分红（{py}年度）", "襄汾县东李食品加工厂", 100000, 125000, months=(1,),
              day=(15, 25), start=date(2024, 1, 1)),
        ],
        pledges=[(2024, "入股分红3月底前发放到户", date(2024, 3, 31), "sec", "kept")],
    ),
]


# -- helpers --------------------------------------------------------------------------------


def all_periods(monthly: bool) -> list[str]:
    out = []
    for y in YEARS:
        parts = [f"{m:02d}" for m in range(1, 13)] if monthly else [f"Q{q}" for q in range(1, 5)]
        for part in parts:
            period = f"{y}-{part}"
            if Period(period).bounds[1] < SAMPLE_TODAY:
                out.append(period)
    return out


# -- one village ----------------------------------------------------------------------------

MISC = [  # small everyday lines of a busy (monthly) village
    ("购买零星维修材料", 80, 900, "shop"),
    ("村内绿化苗木补植", 500, 3000, "南召县绿源苗木场"),
    ("宣传标语和公开栏内容制作", 200, 1200, "南召县金点广告部"),
    ("会议用水和纸杯", 60, 200, "shop"),
    ("水泵和管道维修", 150, 800, "南河店镇农机维修部"),
    ("广场公厕清洁用品", 50, 300, "shop"),
    ("村民代表会议误工补贴", 600, 1200, "村民代表"),
    ("党员活动室空调维修", 200, 600, "南召县惠民家电维修部"),
]


# a generic matter is left out where the village's own matters already cover it
OVERLAP = {"plan": "村庄规划", "gym": "健身器材", "fence": "坑塘", "sanitation": "厕所", "garbage": "垃圾转运"}


def overlaps(key: str, v: dict) -> bool:
    word = OVERLAP.get(key)
    return bool(word) and any(word in d["title"] or word in d["summary"] for d in v["decisions"])


CAN_BORROW = {"niangniangmiao", "huangya", "beichai", "guoying", "jiagou"}  # villages with steady income


def build_village(county: dict, township: dict, v: dict, index: int) -> dict:
    rng = random.Random(f"{SEED}:{v['slug']}")
    people = make_people(v, county, rng)
    names = people["names"]
    monthly = bool(v.get("high_volume"))
    periods = all_periods(monthly)
    ledger_end = Period(periods[-1]).bounds[1]
    book = Book()

    # which matters each year
    specs: dict[int, list[dict]] = {y: [pay_decision(v, county, people, y, rng)] for y in YEARS}
    annual = v.get("annual")
    if annual:
        for y in YEARS:
            if y >= annual.get("since", 2023):
                specs[y].append(D(y, annual["month"], annual["title"].format(y=y), annual["category"], annual["origin"],
                                  None, annual["summary"], result=annual["result"], yearend=True))
    div = v.get("dividend")
    if div:
        for y in YEARS:
            if y >= div["since"]:
                amount = v["members"] * div["per_person"]
                src = div["source"]
                specs[y].append(D(
                    y, div["month"], div["title"].format(y=y, py=y - 1), "集体收益使用", div["origin"], amount,
                    f"上年度村集体收入主要来自{src}，扣除管护和公益支出后，拟按每人{div['per_person']}元向本村集体经济组织成员{v['members']}人分红，共{amount}元，其余留作发展资金。",
                    dividend=amount, result=f"已按每人{div['per_person']}元向{v['members']}名集体经济组织成员发放分红{amount}元。",
                    day=(6, 12)))
    for spec in v["decisions"]:
        specs[spec["year"]].append(spec)
    pool = list(GENERIC)
    rng.shuffle(pool)
    used: set[str] = set()
    for y in YEARS:
        for key in v.get("force", {}).get(y, []):
            used.add(key)
            specs[y].append(dict(GENERIC[key][0](v, y, rng, names), generic=key))
        target = rng.choice([2, 3, 3, 4])
        for key in pool:
            if len(specs[y]) >= target:
                break
            builder, repeatable = GENERIC[key]
            if (key in used and not repeatable) or (key == "flood" and y == 2026) or (key == "loan" and (y > 2024 or v["slug"] not in CAN_BORROW)):
                continue
            if any(s.get("generic") == key for s in specs[y]) or overlaps(key, v):
                continue
            used.add(key)
            specs[y].append(dict(builder(v, y, rng, names), generic=key))
        pool = pool[1:] + pool[:1]
    late = index % 3 == 0  # some villages have a matter still being discussed on SAMPLE_TODAY
    if late:
        key = next(k for k in pool if k not in used and k not in ("flood", "loan") and not overlaps(k, v))
        specs[2026].append(dict(GENERIC[key][0](v, 2026, rng, names), generic=key, late=True))

    # schedule and number the decisions
    decisions = []
    for y in YEARS:
        year_decs = []
        for spec in specs[y]:
            p = None
            if spec.get("late") or date(y, spec["month"], 1) > LAST_DONE:
                p = date(y, 11, rng.randint(10, 17))
            year_decs.append(schedule(spec, v, county, people, book, rng, ASOF, p, MIN_DAYS))
        year_decs.sort(key=lambda d: (d["steps"].get("three_party", d["steps"]["proposal"])["date"], d["spec"]["title"]))
        for n, dec in enumerate(year_decs, 1):
            dec["id"] = f"d-{y}-{n:02d}"
        decisions.extend(year_decs)
    for dec in decisions:
        first = dec["steps"].get("three_party", dec["steps"]["proposal"])["date"]
        assert first.year == int(dec["id"][2:6]), dec["id"]
        assert dec["spec"]["category"] in kinds.decisions.MATTER_CATEGORIES + tuple(LOCAL_CATEGORIES), dec["spec"]["title"]

    # money: recurring lines, one-off lines, works paid through the village account
    events: list[Ev] = []
    for rec in common_ledger(county, township, v, people, rng, date(2025, 1, 1)) + v.get("ledger", []):
        events.extend(expand(rec, rng, YEARS, ledger_end))
    fin = f"{township['name']}财政所"
    extra_done: list[dict] = []
    if county["slug"] == "nanzhao":  # 群众联心: 5,000 yuan per village under 村账乡监
        got = date(2023, 4, rng.randint(10, 20))
        events.append(Ev(got, "in", "各项收入", "收到群众联心活动资金（村账乡监）", 500000, fin))
        uses = [("群众联心活动：院坝会茶水和场地布置", rng.randint(300, 450)),
                ("群众联心活动：走访慰问困难群众（米、面、油）", rng.randint(2200, 2600)),
                ("群众联心活动：为群众修补漏水蓄水池材料费", rng.randint(1400, 1800))]
        when = got
        for what, amount in uses:
            when = when + timedelta(days=rng.randint(20, 60))
            events.append(Ev(when, "out", "各项支出", what, amount * 100, rng.choice(county["shops"])))
        spent = sum(a for _, a in uses) * 100
        extra_done.append(dict(title="开展群众联心活动", date=when, cost=spent, funding="群众联心活动资金（5000元，村账乡监）",
                               summary=f"结对干部和村干部走访群众、召开院坝会，为群众解决急事难事；5000元资金由乡镇监管，实际使用{yuan_text(spent)}，结余{yuan_text(500000 - spent)}留待下年使用。"))
    if monthly:
        for y in YEARS:
            for m in range(1, 13):
                start = date(y, m, 1)
                if start > ledger_end:
                    continue
                events.append(Ev(date(y, m, rng.randint(3, 8)), "out", "各项支出", f"村委会网络费（{m}月）",
                                 10000, "中国联通南召县分公司"))
                for what, lo, hi, cp in rng.sample(MISC, rng.randint(3, 6)):
                    cp = rng.choice(county["shops"]) if cp == "shop" else cp
                    events.append(Ev(rdate(rng, start, month_end(start)), "out", "各项支出", what,
                                     fen(rng, lo, hi, cents=rng.random() < 0.4), cp))
    for dec in decisions:
        spec, steps = dec["spec"], dec["steps"]
        title = spec["title"]
        disc_end = dec["disclosed"]
        if disc_end is None:
            continue
        if title.startswith("村庄建设资金筹集方案"):  # 郭营村: six months of donations and grants
            start = steps["resolution"]["date"]
            left = 240000000
            while left > 0:
                r = rng.random()
                amount = (rng.randint(1, 20) * 1000 if r < 0.6 else rng.randint(2, 6) * 10000 if r < 0.93
                          else rng.randint(10, 20) * 10000) * 100
                amount = left if amount >= left - 100000 else amount
                left -= amount
                who = rng.choice(["乡贤捐资（村庄建设）", "在外务工人员捐资（村庄建设）", "群众自愿捐资（村庄建设）"])
                cp = names.private() if rng.random() < 0.9 else rng.choice(["南召县宏业商贸有限公司", "南阳市伏牛建材有限公司"])
                events.append(Ev(rdate(rng, start, start + timedelta(days=175)), "in", "各项收入", who, amount, cp))
            for k in range(5):
                events.append(Ev(start + timedelta(days=20 + 35 * k + rng.randint(0, 10)), "in", "各项收入",
                                 "收到村庄建设上级项目资金", 24000000, fin))
        if title.startswith("160.8万元试点资金"):
            got = disc_end + timedelta(days=rng.randint(3, 8))
            events.append(Ev(got, "in", "各项收入", "收到扶持村级集体经济发展试点资金", 160800000, fin))
            events.append(Ev(got + timedelta(days=rng.randint(5, 10)), "out", "各项资产",
                             "试点资金入股南召县丰源农业开发有限公司", 160800000, "南召县丰源农业开发有限公司"))
        if spec["category"] == "征地补偿":
            got = disc_end + timedelta(days=rng.randint(5, 10))
            events.append(Ev(got, "in", "各项收入", "收到县城南环路拓宽征地补偿款", 123600000, "宁陵县自然资源局"))
            dec["paid_on"] = got + timedelta(days=rng.randint(20, 28))
            events.append(Ev(dec["paid_on"], "out", "收益分配", "发放征地补偿款（按分配方案，37户）", 86520000,
                             "被征地农户（37户）"))
        if spec.get("loan"):
            got = disc_end + timedelta(days=rng.randint(5, 10))
            events.append(Ev(got, "in", "债权债务", "收到县农商银行借款", spec["loan"] * 100, county["bank"]))
            events.append(Ev(got + timedelta(days=rng.randint(10, 20)), "out", "各项资产",
                             "购置农资统一服务设备（植保无人机1台）", 9600000, "河南丰农农机销售有限公司"))
            for k in range(4):
                when = got + timedelta(days=40 + 30 * k + rng.randint(0, 10))
                events.append(Ev(when, "in", "各项收入", "植保无人机统一飞防服务收入", fen(rng, 3000, 8000), "飞防服务农户（汇总）"))
            back = got + timedelta(days=365)
            events.append(Ev(back, "out", "债权债务", "归还县农商银行借款本金", spec["loan"] * 100, county["bank"]))
            events.append(Ev(back, "out", "其他", "支付县农商银行借款利息（年利率4.35%）", spec["loan"] * 435 // 100,
                             county["bank"]))
        if spec.get("dividend"):
            year = spec["year"] + (1 if div["pay_month"] < div["month"] else 0)
            dec["paid_on"] = date(year, div["pay_month"], rng.randint(20, 27))
            events.append(Ev(dec["paid_on"], "out", "收益分配",
                             f"向本村集体经济组织成员分红（每人{div['per_person']}元，{v['members']}人）",
                             spec["dividend"] * 100, f"本村集体经济组织成员（{v['members']}人）"))
        if spec.get("work"):
            dec["grant"] = min(spec.get("grant", 0) * 100, dec["ledger_cost"])
            dec["grant_auto"] = 0
            contractor = rng.choice(county["contractors"]) if not spec.get("asset") else rng.choice(
                ["河南中原设备有限公司", "南阳市康体器材有限公司", "山西晋通设备有限公司"])
            cat = "各项资产" if spec.get("asset") else "各项支出"
            cost = dec["ledger_cost"]
            done = dec["completed_on"] or disc_end + timedelta(days=spec["work"])
            if dec["grant"]:
                events.append(Ev(disc_end + timedelta(days=rng.randint(3, 8)), "in", "各项收入",
                                 f"收到“{title}”上级奖补资金", dec["grant"], fin, project=dec))
            if cost >= 10000000 and spec["work"] >= 60:
                a = cost * 30 // 100
                b = cost * 40 // 100
                pays = [(disc_end + timedelta(days=rng.randint(10, 20)), a, "预付款（合同价30%）"),
                        (disc_end + timedelta(days=spec["work"] // 2), b, "进度款"),
                        (done + timedelta(days=rng.randint(3, 10)), cost - a - b, "工程尾款（已验收）")]
            else:
                pays = [(done + timedelta(days=rng.randint(2, 8)), cost, "工程款（已验收）" if not spec.get("asset") else "货款（已验收）")]
            for when, amount, what in pays:
                if when > LAST_DONE or (what.endswith("（已验收）") and dec["completed_on"] is None):
                    continue
                events.append(Ev(when, "out", cat, f"支付“{title}”{what}", amount, contractor, project=dec))

    # completed matters: works finished each year, topped up with small jobs paid by the village
    done_by_year: dict[int, list[dict]] = {y: [] for y in YEARS}
    for dec in decisions:
        if dec.get("completed_on"):
            done_by_year[dec["completed_on"].year].append(dict(decision=dec, date=dec["completed_on"]))
    for item in extra_done:
        done_by_year[item["date"].year].append(item)
    small = SMALL[:]
    rng.shuffle(small)
    for y in YEARS:
        target = rng.randint(1, 3)
        while len(done_by_year[y]) < target:
            last = min(date(y, 12, 10), ledger_end - timedelta(days=10))
            item, (paid, title, cost, payee) = small_job(rng, y, small.pop(), last, county, names, monthly)
            events.append(Ev(paid, "out", "各项支出", title, cost, payee))
            done_by_year[y].append(item)

    # run the books: exact fen, never below 1,000 yuan. When the village cannot pay for works,
    # the township tops the works up: a grant booked just before the works payment that ran the
    # account down (at most the part of the works the village would otherwise pay itself).
    events = sorted((e for e in events if e.when <= ledger_end), key=lambda e: e.key)
    extra: dict[int, int] = {}
    while True:
        balance, bad = v["opening"] * 100, None
        for i, e in enumerate(events):
            balance += extra.get(i, 0) + (e.fen if e.kind == "in" else -e.fen)
            if balance < 100000:
                bad = i
                break
        if bad is None:
            break
        deficit = 100000 - balance
        for j in range(bad, -1, -1):
            dec = events[j].project
            if dec is None or events[j].kind != "out":
                continue
            room = dec["ledger_cost"] - dec["grant"] - dec["grant_auto"]
            grant = min(room, ceil_div(deficit + 1000000, 1000000) * 1000000)
            if grant > 0:
                extra[j] = extra.get(j, 0) + grant
                dec["grant_auto"] += grant
                break
        else:
            raise SystemExit(f"{v['name']}: {events[bad].when} {events[bad].summary} 使余额为负，需调整示例数据")
    booked: list[Ev] = []
    for i, e in enumerate(events):
        if i in extra:
            title = e.project["spec"]["title"]
            booked.append(Ev(e.when, "in", "各项收入", f"收到“{title}”上级奖补资金（追加）", extra[i], fin))
        booked.append(e)

    def note(period: str, period_events: list[Ev]) -> str | None:
        gifts = [e for e in period_events if "捐资" in e.summary]
        if gifts:
            return f"本期收到乡贤和群众自愿捐资{len(gifts)}笔，合计{yuan_text(sum(e.fen for e in gifts))}，已逐笔列明。"
        if county["slug"] == "nanzhao" and period.endswith(("Q1", "-01")):
            return "本村实行村账乡监：账目由乡镇农村集体经济服务中心代理记账，民主理财小组审核后公开。"
        return None

    funds = fund_records(booked, periods, v["opening"] * 100, monthly, rng, note)

    # results of decisions, now that funding is known
    own = "村庄建设资金（上级项目资金和捐资）" if v["slug"] == "guoying" else "村集体收入"
    for dec in decisions:
        disclose_result(dec, county, own, rng, ASOF)

    completed = completed_records(done_by_year)
    if v["slug"] == "longwangmiao":  # one published record corrected later: the site shows how
        job = next(c for c in completed if c["decision"] is None and c["date"] <= LAST_DONE - timedelta(days=10))
        job["amendments"] = [dict(date=job["date"] + timedelta(days=6), reason="事项名称多写了“工程”两个字，按验收单更正",
                                  changes=[dict(field="title", old=job["title"] + "工程")])]

    # pledges
    pledges = []
    templates = PLEDGES[:]
    rng.shuffle(templates)
    for y in YEARS:
        year_p = []
        for spec in v.get("pledges", []):
            if spec[0] != y:
                continue
            _, what, days, who, outcome = spec[:5]
            if isinstance(days, date):  # the promise names its deadline
                deadline = days
                made = min(date(y, rng.randint(1, 3), rng.randint(5, 25)), deadline - timedelta(days=rng.randint(60, 90)))
            else:
                made = date(y, rng.randint(1, 3), rng.randint(5, 25))
                if outcome == "overdue" and y == 2026:
                    made = date(2026, 5, rng.randint(10, 20))
                deadline = month_end(made + timedelta(days=days))
            year_p.append(make_pledge(rng, v, people, y, what, made, deadline, pledge_who(who, people, rng), outcome,
                                      "验收单和现场照片存村委会档案，已在公开栏公示", *spec[5:], asof=ASOF))
        target = rng.randint(2, 4)
        while len(year_p) < target:
            year_p.append(template_pledge(rng, v, people, y, templates.pop(), ASOF))
        if y == 2026 and index % 2 == 0:  # a promise made this month, not started yet
            what, days, who, evidence, months = next(t for t in reversed(templates) if t[1] != "ye")
            templates.remove((what, days, who, evidence, months))
            made = date(2026, 11, rng.randint(2, 15))
            text = pledge_text(what, v, rng)
            year_p.append(make_pledge(rng, v, people, y, text, made, month_end(made + timedelta(days=max(days, 120))),
                                      pledge_who(who, people, rng), "new", evidence, asof=ASOF))
        year_p.sort(key=lambda p: (p["made"], p["what"]))
        for n, p in enumerate(year_p, 1):
            p["id"] = f"p-{y}-{n:02d}"
        pledges.extend(year_p)

    # suggestions, from a random stream of their own: the other kinds are what they were without them
    suggestions = suggestions_of(v, people, decisions, YEARS, ASOF, overdue=index % 3 == 0,
                                 rng=random.Random(f"{SEED}:{v['slug']}:suggestions"))

    return dict(people=people, decisions=decisions, funds=funds, completed=completed, pledges=pledges,
                suggestions=suggestions, rng=rng, monthly=monthly)


# -- writing --------------------------------------------------------------------------------


def schema_line(path: Path) -> str:
    return schema_comment(path, SCHEMAS)


def write(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "\n" + schema_line(path) + "\n\n" + body, encoding="utf-8")


def office_hours(county: dict) -> str:
    if county["slug"] == "xiangfen":
        return "周一至周五 8:00-12:00、14:30-18:00（冬季 14:00-17:30），周末轮流值班"
    return "周一至周五 8:00-12:00、14:30-17:30，周末轮流值班"


def generate() -> dict:
    if OUT.exists():
        shutil.rmtree(OUT)
    stats = dict(counties=0, townships=0, villages=0, decisions=0, funds=0, entries=0, pledges=0, completed=0, suggestions=0)
    written: list[tuple[Path, object]] = []
    index = 0
    for county in COUNTIES:
        cdir = OUT / county["slug"]
        cdata = dict(name=county["name"], code=Quoted(county["code"]),
                     supervision_phone=Quoted(county["supervision_phone"]), report_phone=Quoted(county["report_phone"]),
                     sample=True, rules=dict(min_disclosure_days=MIN_DAYS, local_categories=LOCAL_CATEGORIES))
        write(cdir / "county.yml", render_map(cdata))
        written.append((cdir / "county.yml", cdata))
        stats["counties"] += 1
        for township in county["townships"]:
            tdir = cdir / township["slug"]
            tdata = dict(name=township["name"], code=Quoted(township["code"]),
                         supervision_phone=Quoted(township["supervision_phone"]),
                         report_phone=Quoted(township["report_phone"]), address=township["address"])
            if township["slug"] in DUBAN:  # what the township issued (the rest of its late villages: drafts)
                tdata["duban"] = DUBAN[township["slug"]]
            write(tdir / "township.yml", render_map(tdata))
            written.append((tdir / "township.yml", tdata))
            stats["townships"] += 1
            for v in VILLAGES:
                if v["county"] != county["slug"] or v["township"] != township["slug"]:
                    continue
                index += 1
                built = build_village(county, township, v, index)
                people = built["people"]
                vdir = tdir / v["slug"]
                vdata = dict(
                    name=v["name"], code=Quoted(v["code"]), party_members=v["party_members"],
                    representatives=v["representatives"], households=v["households"],
                    one_person_both_posts=v["both"], high_volume=bool(v.get("high_volume")),
                    office_phone=office_phone(county, built["rng"]), office_hours=office_hours(county),
                    cadres=[dict(name=c["name"], role=c["role"]) for c in people["cadres"]],
                    first_secretary=people["first_secretary"], duty_roster=people["roster"],
                    supervision_committee=people["committee"], introduction=v["introduction"])
                write(vdir / "village.yml", render_map(vdata))
                written.append((vdir / "village.yml", vdata))
                stats["villages"] += 1
                kinds = dict(
                    decisions=[(int(d["id"][2:6]), decision_record(d)) for d in built["decisions"]],
                    funds=[(int(f["period"][:4]), f) for f in built["funds"]],
                    pledges=[(p["made"].year, pledge_record(p)) for p in built["pledges"]],
                    completed=[(c["date"].year, c) for c in built["completed"]],
                    suggestions=[(s["received"].year, suggestion_record(s)) for s in built["suggestions"]],
                )
                # the last year's posted notices and largest payments, photographed (smaller than
                # `gongkai sample`'s: the repository carries them)
                for rel, data in add_photos([r for _, r in kinds["decisions"]], [r for _, r in kinds["funds"]], YEARS[-1],
                                            f"{township['slug']}/{v['slug']}", v["slug"].upper(), size=(720, 960), quality=70):
                    (vdir / rel).parent.mkdir(parents=True, exist_ok=True)
                    (vdir / rel).write_bytes(data)
                    stats["photos"] = stats.get("photos", 0) + 1
                for kind, recs in kinds.items():
                    stats[kind] += len(recs)
                    for y in YEARS:
                        year_recs = [r for ry, r in recs if ry == y]
                        assert year_recs, (v["slug"], kind, y)
                        path = vdir / kind / f"{y}.yml"
                        write(path, render_list(year_recs))
                        written.append((path, year_recs))
                stats["entries"] += sum(len(f["entries"]) for f in built["funds"])
    verify(written)
    return stats


# -- self-check -----------------------------------------------------------------------------


def _same(ours, theirs, where: str) -> None:
    """What YAML reads back must be what we meant (catches quoting mistakes)."""
    if isinstance(ours, dict):
        ours = {k: v for k, v in ours.items() if v is not None}
        assert isinstance(theirs, dict) and list(ours) == list(theirs), where
        for k in ours:
            _same(ours[k], theirs[k], f"{where}.{k}")
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(ours, Money):
        assert isinstance(theirs, (int, float)) and f"{theirs:.2f}" == yaml_scalar(ours), where
    elif isinstance(ours, bool) or isinstance(ours, date):
        assert theirs == ours and type(theirs) is type(ours), where
    elif isinstance(ours, int):
        assert type(theirs) is int and theirs == ours, where
    else:
        assert isinstance(theirs, str) and theirs == ours, (where, ours, theirs)


def _order(spec, data, where: str) -> None:
    """Keys appear in schema order, and every key is a schema field."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            _order(spec, item, f"{where}[{i}]")
        return
    keys = [k for k, v in data.items() if v is not None]
    assert all(k in spec.fields for k in keys), (where, keys)
    assert keys == [k for k in spec.fields if k in keys], (where, keys)
    for k in keys:
        t = spec.fields[k].type
        t = t.item if isinstance(t, schema.ListOf) else t
        if isinstance(t, schema.Spec):
            _order(t, data[k], f"{where}.{k}")


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml reads back the files in a blink
PHONE_LIKE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|\d{15,19}|\d{17}[\dXx])(?!\d)")


def verify(written: list[tuple[Path, object]]) -> None:
    for path, data in written:
        text = path.read_text(encoding="utf-8")
        assert text.startswith(HEADER + "\n" + schema_line(path) + "\n"), path
        assert not PHONE_LIKE.search(text), (path, PHONE_LIKE.search(text))
        _same(data, yaml.load(text, Loader=_LOADER), str(path))
        if path.name in ("county.yml", "township.yml", "village.yml"):
            spec = {"county.yml": schema.COUNTY, "township.yml": schema.TOWNSHIP, "village.yml": schema.VILLAGE}[path.name]
        else:
            spec = kinds.by_folder(path.parent.name).spec
        _order(spec, data, str(path))


def main() -> int:
    stats = generate()
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    files = sum(1 for p in OUT.rglob("*") if p.is_file())
    print(f"已生成示例数据：{stats['counties']} 个县、{stats['townships']} 个乡镇、{stats['villages']} 个村；"
          f"决策 {stats['decisions']} 条、财务公开 {stats['funds']} 期（明细 {stats['entries']} 笔）、"
          f"承诺 {stats['pledges']} 条、办结事项 {stats['completed']} 条、群众建议 {stats['suggestions']} 条；"
          f"{files} 个文件，共 {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
