"""A minimal valid data tree, written file by file, for tests that break one thing at a time."""

from __future__ import annotations

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
"""

VILLAGE_DIR = "nanzhao/nanhedian/longwangmiao"


def write_tree(root: Path, **overrides: str) -> Path:
    """Write the tree under root/villages; overrides replace a file's text by its short name."""
    files = {
        "nanzhao/county.yml": COUNTY,
        "nanzhao/nanhedian/township.yml": TOWNSHIP,
        f"{VILLAGE_DIR}/village.yml": VILLAGE,
        f"{VILLAGE_DIR}/decisions/2024.yml": DECISION,
        f"{VILLAGE_DIR}/funds/2024.yml": FUNDS,
        f"{VILLAGE_DIR}/pledges/2024.yml": PLEDGES,
        f"{VILLAGE_DIR}/completed/2024.yml": COMPLETED,
    }
    short = {"county": "nanzhao/county.yml", "township": "nanzhao/nanhedian/township.yml",
             "village": f"{VILLAGE_DIR}/village.yml", "decisions": f"{VILLAGE_DIR}/decisions/2024.yml",
             "funds": f"{VILLAGE_DIR}/funds/2024.yml", "pledges": f"{VILLAGE_DIR}/pledges/2024.yml",
             "completed": f"{VILLAGE_DIR}/completed/2024.yml"}
    for name, text in overrides.items():
        files[short[name]] = text
    data = root / "villages"
    for rel, text in files.items():
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return data
