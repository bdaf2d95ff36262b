"""The checker on a tiny tree: each rule and type fails with the right code, file and line."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.check.checker import check_tree
from tinytree import COMPLETED, DECISION, FUNDS, PLEDGES, VILLAGE, VILLAGE_DIR, write_tree

TODAY = date(2026, 11, 22)


def run(tmp_path, **overrides):
    root = write_tree(tmp_path, **overrides)
    return check_tree(root, TODAY)


def codes(result):
    return [(d.code, d.line, d.path.rsplit("/", 1)[-1]) for d in result.diagnostics]


def test_tiny_tree_is_clean(tmp_path):
    result = run(tmp_path)
    assert result.diagnostics == []
    village = result.tree.villages[0]
    assert [d.id for d in village.decisions] == ["d-2024-01"]
    assert [p.period for p in village.funds] == ["2024-Q2", "2024-Q1"]  # newest first


def test_money_is_exact_decimal(tmp_path):
    q1 = next(p for p in run(tmp_path).tree.villages[0].funds if p.period == "2024-Q1")
    assert str(q1.income) == "500.25" and str(q1.expense) == "300.00"
    assert q1.opening_balance + q1.income - q1.expense == q1.closing_balance


@pytest.mark.parametrize("old, new, code, line", [
    ('code: "411321104201"', "code: 011321104201", "GK207", 2),
    ("party_members: 30", "party_members: ３０", "GK206", 3),
    ("one_person_both_posts: false", "one_person_both_posts: 是", "GK210", 5),
    ("    role: 村党支部书记", "    roel: 村党支部书记", "GK203", 9),
])
def test_village_types(tmp_path, old, new, code, line):
    result = run(tmp_path, village=VILLAGE.replace(old, new))
    assert (code, line, "village.yml") in codes(result), codes(result)


def test_unquoted_leading_zero_code_says_why(tmp_path):
    result = run(tmp_path, village=VILLAGE.replace('code: "411321104201"', "code: 011321104201"))
    assert any("0" in d.message and "引号" in d.message for d in result.diagnostics)


def test_unknown_field_suggests(tmp_path):
    result = run(tmp_path, village=VILLAGE.replace("    role: 村党支部书记", "    roel: 村党支部书记"))
    unknown = [d for d in result.diagnostics if d.code == "GK203"]
    assert len(unknown) == 1 and "是不是“role”" in unknown[0].message


@pytest.mark.parametrize("old, new, code, line", [
    ("    date: 2024-03-10", "    date: 2024年3月10日", "GK204", 17),
    ("  budget: 120000.00", "  budget: ¥120000", "GK205", 5),
    ("  budget: 120000.00", "  budget: 12万", "GK205", 5),
    ("  budget: 120000.00", "  budget: 120000.005", "GK205", 5),
    ("  budget: 120000.00", "  budget: 120,000", "GK205", 5),
    ("  title: 修建文化广场\n", "", "GK202", 1),
    ("    date: 2024-03-10", "    date: 2024-02-10", "GK302", 17),
    ("    present: 25", "    present: 31", "GK303", 19),
    ("    agree: 17", "    agree: 19", "GK303", 27),
    ("    end: 2024-03-22", "    end: 2024-03-19", "GK304", 31),
    ("  category: 公益事业", "  category: 修路", "GK208", 3),
    ("  origin: 党员群众建议", "  origin: 书记说的", "GK208", 4),
    ("  consultation:", "  consultatoin:", "GK203", 11),
    ("- id: d-2024-01", "- id: D_2024", "GK211", 1),
])
def test_decision_rules(tmp_path, old, new, code, line):
    assert old in DECISION
    result = run(tmp_path, decisions=DECISION.replace(old, new))
    assert (code, line, "2024.yml") in codes(result), codes(result)
    assert not result.ok


def test_chinese_date_gets_iso_hint(tmp_path):
    result = run(tmp_path, decisions=DECISION.replace("    date: 2024-03-10", "    date: 2024年3月10日"))
    assert "应写成 2024-03-10" in result.diagnostics[0].message


def test_missing_step_reported(tmp_path):
    text = DECISION.split("  consultation:")[0] + "  review:" + DECISION.split("  review:")[1]
    result = run(tmp_path, decisions=text)
    assert any(d.code == "GK301" and "商议" in d.message for d in result.diagnostics), codes(result)


def test_merging_steps_needs_one_person_both_posts(tmp_path):
    merged = DECISION.split("  consultation:")[0].replace("    agree: 5\n", "    agree: 5\n    merged_consultation: true\n")
    merged += "  review:" + DECISION.split("  review:")[1]
    assert any(d.code == "GK305" for d in run(tmp_path, decisions=merged).diagnostics)
    ok = run(tmp_path / "b", decisions=merged, village=VILLAGE.replace("false", "true"))
    assert ok.diagnostics == [], codes(ok)


@pytest.mark.parametrize("old, new, code", [
    ("  closing_balance: 1200.25\n  reviewed: 2024-04-03", "  closing_balance: 1200.24\n  reviewed: 2024-04-03", "GK401"),
    ("  opening_balance: 1200.25", "  opening_balance: 1200.00", "GK402"),
    ("    - date: 2024-02-10", "    - date: 2024-04-10", "GK403"),
    ("      expense: 300.00", "      expense: 300.00\n      income: 1.00", "GK405"),
    ("  period: 2024-Q2", "  period: 2024-Q5", "GK404"),
    ("  period: 2024-Q2", "  period: 2024-Q1", "GK406"),
    ("      category: 各项支出", "      category: 工资", "GK208"),
])
def test_fund_rules(tmp_path, old, new, code):
    assert old in FUNDS
    result = run(tmp_path, funds=FUNDS.replace(old, new, 1))
    assert code in [c for c, _, _ in codes(result)], codes(result)


@pytest.mark.parametrize("old, new, code", [
    ("  deadline: 2024-10-31", "  deadline: 2024-01-31", "GK501"),
    ("  status: 进行中", "  status: 已兑现", "GK502"),
    ("  status: 进行中", "  status: 完成了", "GK208"),
])
def test_pledge_rules(tmp_path, old, new, code):
    result = run(tmp_path, pledges=PLEDGES.replace(old, new))
    assert code in [c for c, _, _ in codes(result)], codes(result)


def test_pledge_overdue_against_build_date(tmp_path):
    pledge = run(tmp_path).tree.villages[0].pledges[0]
    assert pledge.days_overdue(date(2024, 10, 31)) == 0
    assert pledge.days_overdue(TODAY) == (TODAY - date(2024, 10, 31)).days


@pytest.mark.parametrize("old, new, code", [
    ("  decision: d-2024-01", "  decision: d-2024-09", "GK601"),
    ("  date: 2024-09-30", "  date: 2024-03-01", "GK602"),
])
def test_completed_rules(tmp_path, old, new, code):
    result = run(tmp_path, completed=COMPLETED.replace(old, new))
    assert code in [c for c, _, _ in codes(result)], codes(result)


def test_duplicate_id_across_kinds(tmp_path):
    result = run(tmp_path, pledges=PLEDGES.replace("p-2024-01", "d-2024-01"))
    assert [d.code for d in result.diagnostics] == ["GK212"]


def test_record_in_wrong_year_file(tmp_path):
    root = write_tree(tmp_path)
    (root / VILLAGE_DIR / "pledges/2024.yml").rename(root / VILLAGE_DIR / "pledges/2023.yml")
    result = check_tree(root, TODAY)
    assert [d.code for d in result.diagnostics] == ["GK215"]


def test_unknown_files_and_bad_folder_names(tmp_path):
    root = write_tree(tmp_path)
    (root / VILLAGE_DIR / "notes.txt").write_text("x")
    (root / VILLAGE_DIR / "funds" / "2024-backup.yml").write_text("x")
    (root / "nanzhao" / "Bad Name").mkdir()
    (root / "nanzhao" / "Bad Name" / "township.yml").write_text("x")
    got = sorted(d.code for d in check_tree(root, TODAY).diagnostics)
    assert got == ["GK110", "GK110", "GK211"]


def test_all_problems_in_all_files_in_one_run(tmp_path):
    result = run(
        tmp_path,
        township="name: 南河店镇\n\tcode: x\n",
        village=VILLAGE.replace("party_members: 30", "party_members: many"),
        decisions=DECISION.replace("    present: 25", "    present: 31"),
        funds=FUNDS.replace("  opening_balance: 1200.25", "  opening_balance: 1200.00"),
        pledges="a: &x 1\n",
    )
    files = {d.path.rsplit("villages/", 1)[1] for d in result.diagnostics}
    assert len(files) == 5, codes(result)


# -- quorums and votes (四议两公开) ----------------------------------------------------------

def test_party_congress_without_two_thirds_present(tmp_path):
    result = run(tmp_path, decisions=DECISION.replace("    present: 25\n    agree: 24", "    present: 19\n    agree: 18"))
    assert ("GK306", 19, "2024.yml") in codes(result)


def test_step_that_failed_cannot_be_followed(tmp_path):
    result = run(tmp_path, decisions=DECISION.replace("    agree: 24", "    agree: 15"))
    assert ("GK307", 20, "2024.yml") in codes(result)


def test_resolution_majority_is_of_those_present(tmp_path):
    # 10 of 18 present is a majority of those present though not of all 21 representatives
    result = run(tmp_path, decisions=DECISION.replace("    agree: 17\n    abstain: 1", "    agree: 10\n    abstain: 8"))
    assert result.diagnostics == []
    assert result.tree.villages[0].decisions[0].status(TODAY) == "实施中"


def test_failed_last_vote_is_shown_not_an_error(tmp_path):
    text = DECISION.split("  resolution_disclosure:")[0].replace("    agree: 17\n    abstain: 1", "    agree: 9\n    against: 9")
    result = run(tmp_path, decisions=text, completed="[]\n")
    assert result.diagnostics == []
    assert result.tree.villages[0].decisions[0].status(TODAY) == "未通过"


def test_villagers_meeting_needs_more_than_half(tmp_path):
    village = VILLAGE.replace("one_person_both_posts", "adult_villagers: 800\none_person_both_posts")
    body = DECISION.replace("    body: 村民代表会议\n    date: 2024-03-15\n    expected: 21\n    present: 18\n    agree: 17",
                            "    body: 村民会议\n    date: 2024-03-15\n    expected: 800\n    present: 400\n    agree: 300")
    assert ("GK306", 26, "2024.yml") in codes(run(tmp_path, decisions=body, village=village))
    ok = body.replace("present: 400", "present: 401")
    assert run(tmp_path / "ok", decisions=ok, village=village).diagnostics == []


def test_expected_count_disagrees_with_village_is_warning(tmp_path):
    result = run(tmp_path, decisions=DECISION.replace("    expected: 30", "    expected: 31"))
    assert [(d.code, d.severity, d.line) for d in result.diagnostics] == [("GK308", "warning", 18)]
    assert result.ok


# -- funds ------------------------------------------------------------------------------------

Q2 = FUNDS.split("- id: f-2024-q2")[1]


def test_gap_between_periods(tmp_path):
    q3 = Q2.replace("2024-Q2", "2024-Q3").replace("2024-07-03", "2024-10-03").replace("2024-07-05", "2024-10-05")
    result = run(tmp_path, funds=FUNDS.split("- id: f-2024-q2")[0] + "- id: f-2024-q3" + q3)
    assert [(c, line) for c, line, _ in codes(result)] == [("GK407", 19)]


def test_cadence_must_match_village(tmp_path):
    result = run(tmp_path, village=VILLAGE.replace("office_phone", "high_volume: true\noffice_phone"))
    assert [c for c, _, _ in codes(result)] == ["GK408", "GK408"]


def test_voucher_unique_within_year(tmp_path):
    result = run(tmp_path, funds=FUNDS.replace("记-002", "记-001"))
    assert [(c, line) for c, line, _ in codes(result)] == [("GK409", 14)]


def test_review_after_period_end_and_before_publication(tmp_path):
    assert ("GK410", 16, "2024.yml") in codes(run(tmp_path, funds=FUNDS.replace("2024-04-03", "2024-03-30")))
    assert ("GK410", 16, "2024.yml") in codes(run(tmp_path / "b", funds=FUNDS.replace("2024-04-03", "2024-04-06")))


def test_late_publication_is_a_warning_by_county_rule(tmp_path):
    late = FUNDS.replace("2024-04-05", "2024-04-20")
    result = run(tmp_path, funds=late)
    assert [(d.code, d.severity) for d in result.diagnostics] == [("GK411", "warning")] and result.ok
    from tinytree import COUNTY
    relaxed = COUNTY.replace("  min_disclosure_days: 7", "  min_disclosure_days: 7\n  funds_grace_days: 30")
    assert run(tmp_path / "b", funds=late, county=relaxed).diagnostics == []


# -- pledges and completed matters ------------------------------------------------------------

def test_kept_date_before_pledge(tmp_path):
    kept = PLEDGES.replace("  status: 进行中", "  status: 已兑现\n  kept_on: 2024-01-01\n  evidence: 验收单")
    assert [c for c, _, _ in codes(run(tmp_path, pledges=kept))] == ["GK503"]


def test_revision_keeps_original_and_needs_reason(tmp_path):
    revised = PLEDGES.replace("  status: 进行中", "  revisions:\n    - deadline: 2025-06-30\n      date: 2024-10-20\n  status: 进行中")
    result = run(tmp_path, pledges=revised)
    assert [(c, line) for c, line, _ in codes(result)] == [("GK202", 8)]
    fixed = revised.replace("      date: 2024-10-20", "      date: 2024-10-20\n      reason: 汛期停工")
    result = run(tmp_path / "b", pledges=fixed)
    pledge = result.tree.villages[0].pledges[0]
    assert result.diagnostics == [] and str(pledge.deadline) == "2024-10-31" and str(pledge.current_deadline) == "2025-06-30"


def test_completed_needs_a_passed_decision(tmp_path):
    undecided = DECISION.split("  review:")[0]
    result = run(tmp_path, decisions=undecided)
    assert [c for c, _, _ in codes(result)] == ["GK603"]


# -- personal data ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("张某 身份证 11010519491231002X 领取", "GK701"),
    ("旧证 110105491231002 领取", "GK701"),
    ("联系 13912345678", "GK702"),
    ("联系 +86 139 1234 5678", "GK702"),  # with the country code, as a phone shows it
    ("联系 0086-139-1234-5678", "GK702"),
    ("联系（+86）13912345678", "GK702"),
    ("联系 139—1234—5678", "GK702"),  # the IME's dash
    ("联系 １３９ １２３４ ５６７８", "GK702"),  # full-width digits
    ("转入 4111 1111 1111 1111", "GK703"),
])
def test_personal_data_in_any_text_is_refused_without_echoing_it(tmp_path, text, code):
    result = run(tmp_path, funds=FUNDS.replace("光伏发电收益", text))
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1 and found[0].line == 7
    digits = "".join(ch for ch in text if ch.isdigit())
    assert digits not in "".join(ch for ch in found[0].message if ch.isdigit())


@pytest.mark.parametrize("text", ["光伏收益 110105194912310021 元", "凭证 13912345", "户数 4111111111111112"])
def test_numbers_that_are_not_personal_data_pass(tmp_path, text):
    assert run(tmp_path, funds=FUNDS.replace("光伏发电收益", text)).diagnostics == []


def test_phone_fields_may_hold_public_numbers(tmp_path):
    village = VILLAGE.replace('office_phone: "0377-66333333"', 'office_phone: "13912345678"')
    assert run(tmp_path, village=village).diagnostics == []


# -- a clerk's commonest slips: one clear message each, and nothing else ------------------------

def test_a_full_width_colon_is_named_at_its_line_and_nothing_follows_from_it(tmp_path):
    result = run(tmp_path, decisions=DECISION.replace("  title: 修建文化广场", "  title：修建文化广场"))
    # the completed matter names a decision in the file that did not read: not reported missing too
    assert codes(result) == [("GK101", 2, "2024.yml")]
    d = result.diagnostics[0]
    assert d.col == 8 and "“title”后面的“：”是中文全角冒号" in d.message and "title: " in d.message
    assert "could not" not in d.message and "解析器" not in d.message


def test_a_photo_is_not_called_unused_while_the_file_that_lists_it_does_not_read(tmp_path):
    def with_photo(root, decisions):
        folder = next(root.rglob("village.yml")).parent / "fujian"
        folder.mkdir()
        (folder / "gongshi.jpg").write_bytes(b"\xff\xd8\xff\xe0 not read: nobody lists it")
        return check_tree(root, TODAY)

    fine = with_photo(write_tree(tmp_path / "a"), None)
    assert [c for c, _, _ in codes(fine)] == ["GK906"]
    broken = with_photo(write_tree(tmp_path / "b", decisions=DECISION.replace("  budget:", "budget:")), None)
    assert [c for c, _, _ in codes(broken)] == ["GK101"]


def test_a_missing_step_is_reported_once_at_the_step_written_after_it(tmp_path):
    head, rest = DECISION.split("  review:")
    without_review = head + "  resolution:" + rest.split("  resolution:")[1]
    result = run(tmp_path, decisions=without_review)
    assert [(c, line) for c, line, _ in codes(result)] == [("GK301", 16)]
    assert without_review.splitlines()[15] == "  resolution:"
    d = result.diagnostics[0]
    assert d.col == 3 and d.message.startswith("缺少第 3 步“审议”：后面的第 4 步“决议”已经写了")
    head, rest = DECISION.split("  consultation:")
    neither = head + "  resolution:" + rest.split("  resolution:")[1]
    messages = [d.message for d in run(tmp_path / "2", decisions=neither).diagnostics]
    assert len(messages) == 1 and messages[0].startswith("缺少第 2 步“商议”和第 3 步“审议”")


@pytest.mark.parametrize("written", ['""', '"  "', "无", "暂无。", '"　"', "/"])
def test_a_required_text_left_blank_in_effect_is_not_filled(tmp_path, written):
    result = run(tmp_path, decisions=DECISION.replace("  title: 修建文化广场", f"  title: {written}"))
    assert [(c, line) for c, line, _ in codes(result)] == [("GK202", 2)]
    assert "“事项”（title）必须填写" in result.diagnostics[0].message
