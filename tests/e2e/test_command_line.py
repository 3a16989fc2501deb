"""The `smartcity` commands an admin or a region runs against a running suite."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pypdf
import pytest

from services.demo.national import COHORT, national_regions

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
DEFAULT_RULES = Path(__file__).parents[2] / "services/scoring/shipped/default_ruleset.yaml"


def history_versions(suite) -> list[str]:
    table = suite.smartcity("rules", "history").stdout.split("\n\n")[0]
    return [line.split()[0] for line in table.splitlines()[2:]]


def exported(suite) -> list[dict[str, str]]:
    result = suite.smartcity("export", "scorecards", "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def refused_sheet(suite, kind: str, sheet: Path) -> list[str]:
    """What `smartcity import KIND SHEET` says on refusing the sheet, line by line."""
    result = suite.smartcity("import", kind, str(sheet))
    assert result.returncode == 2, result.stderr
    return result.stderr.splitlines()


def registered_cohorts(suite) -> dict[str, str]:
    """Every registered region's cohort by its code, page after page."""
    found: dict[str, str] = {}
    after = None
    while True:
        page = suite.graphql(
            "query($a: String) { regions(first: 500, after: $a) { code cohort } }", {"a": after}
        )["regions"]
        found |= {r["code"]: r["cohort"] for r in page}
        if len(page) < 500:
            return found
        after = page[-1]["code"]


def test_an_invalid_rule_set_is_shown_by_rule_and_path_and_nothing_is_drafted(suite, tmp_path):
    before = history_versions(suite)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        DEFAULT_RULES.read_text().replace('field: score, op: "<"', 'field: scroe, op: "<"')
    )
    result = suite.smartcity("rules", "validate", str(broken))
    assert result.returncode == 1
    assert "dimension-below-2" in result.stdout and "scroe" in result.stdout
    assert result.stderr.strip() == f"{broken}: 1 problem"
    assert history_versions(suite) == before


def test_a_rule_set_file_is_simulated_then_activated_and_the_scorecards_follow(suite, tmp_path):
    stricter = tmp_path / "stricter.yaml"
    stricter.write_text(DEFAULT_RULES.read_text().replace("{min: 3.5, grade: Sangat Baik}",
                                                          "{min: 3.99, grade: Sangat Baik}"))  # fmt: skip
    assert suite.smartcity("rules", "validate", str(stricter)).stdout.strip().endswith("valid")

    before = history_versions(suite)
    simulated = suite.smartcity("rules", "simulate", str(stricter))
    assert simulated.returncode == 0, simulated.stderr
    assert simulated.stdout.splitlines()[0].startswith(f"Rule set {stricter} (not stored)")
    rows = simulated.stdout.split("\n\n", 1)[1].splitlines()[2:]
    assert sorted(row.split()[0] for row in rows) == ["12.07", "16.06", "63.03"]
    assert history_versions(suite) == before  # simulating a file stores nothing

    activated = suite.smartcity("rules", "activate", str(stricter))
    assert activated.returncode == 0, activated.stderr
    version = activated.stdout.splitlines()[0].split("drafted as version ")[1].split()[0]
    assert f"Rule set version {version}" in activated.stdout
    assert history_versions(suite)[0] == version
    deadline = time.monotonic() + 60
    while {row["rule set"] for row in exported(suite)} != {version}:
        assert time.monotonic() < deadline, "the scorecards were not rescored"
        time.sleep(0.5)
    assert "Sangat Baik" not in {row["grade"] for row in exported(suite)}
    restored = suite.smartcity("rules", "activate", "v1")
    assert restored.returncode == 0, restored.stderr


def test_a_version_that_does_not_exist_is_one_line(suite):
    result = suite.smartcity("rules", "simulate", "v99")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "smartcity: simulateRuleSet: NOT_FOUND at id: rule set v99 does not exist"
    ]


def test_a_program_sheet_with_errors_names_each_row_and_imports_nothing(suite, tmp_path):
    sheet = tmp_path / "programs.csv"
    sheet.write_text(
        "Region,Name,Dimension,Sub Dimension,Agency,Start Year,Target Year,Phase,Funding\n"
        "12.07,Bank Sampah Digital,environment,waste,DLH,2024,2026,planning,apbd\n"
        "63.03,Pasar Daring,economy,,Disperindag,2024,2023,building,bitcoin\n"
        "99.99,Ghost,society,x,Agency,20x4,2026,,\n"
    )
    assert refused_sheet(suite, "programs", sheet) == [
        f"{sheet}: row 3, sub dimension: required",
        f"{sheet}: row 3, target year: before the start year",
        f"{sheet}: row 3, phase: 'building' is not one of planning, implementation, operation, completed",
        f"{sheet}: row 3, funding: 'bitcoin' is not one of apbd, apbn, private, community, other",
        f"{sheet}: row 4, start year: not a year",
        f"{sheet}: row 4, sub dimension: 'x' is not a sub-dimension of society",
        f"{sheet}: row 4, region: 99.99 does not exist",
        f"{sheet}: nothing imported",
    ]
    sheet.write_text(sheet.read_text().splitlines()[0] + "\n")
    assert suite.smartcity("import", "programs", str(sheet)).stderr.startswith(
        f"{sheet}: no programs"
    )


def test_programs_import_from_csv_and_xlsx_once_each(suite, tmp_path):
    sheet = tmp_path / "programs.csv"
    sheet.write_text(
        "region,name,long name,dimension,sub dimension,agency,start year,target year,funding\n"
        '12.07,Sampah Cerdas,Pengelolaan Sampah Cerdas,environment,waste,DLH,2024,2026,"apbd, apbn"\n'
    )
    first = suite.smartcity("import", "programs", str(sheet))
    again = suite.smartcity("import", "programs", str(sheet))
    assert first.stdout.strip() == "imported 1 program (0 were already there)"
    assert again.stdout.strip() == "imported 0 programs (1 was already there)"

    book = openpyxl.Workbook()
    book.active.append(
        ["Region", "Name", "Dimension", "Sub_Dimension", "Agency", "Start_Year", "Target_Year"]
    )
    book.active.append(
        ["16.06", "Layanan Terpadu", "governance", "public_service", "Diskominfo", 2024, 2027]
    )
    book.save(tmp_path / "programs.xlsx")
    from_xlsx = suite.smartcity("import", "programs", str(tmp_path / "programs.xlsx"))
    assert from_xlsx.stdout.strip() == "imported 1 program (0 were already there)", from_xlsx.stderr


def test_scorecards_export_as_csv_and_xlsx_with_the_same_rows(suite, tmp_path):
    rows = exported(suite)
    assert [row["rank"] for row in rows] == ["1", "2", "3"]
    assert {row["region"] for row in rows} == {"12.07", "16.06", "63.03"}
    result = suite.smartcity("export", "scorecards", "--format", "xlsx", "--output",
                             str(tmp_path / "cards.xlsx"))  # fmt: skip
    assert result.stdout.strip() == f"wrote 3 scorecards to {tmp_path / 'cards.xlsx'}"
    sheet = openpyxl.load_workbook(tmp_path / "cards.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(rows[0].keys())
    assert [(r[4], r[8]) for r in values[1:]] == [
        (row["region"], float(row["final index"])) for row in rows
    ]


def test_an_unreachable_gateway_and_a_missing_file_are_one_line_each(suite, tmp_path):
    unreachable = suite.smartcity("rules", "history", "--gateway", "http://127.0.0.1:1/graphql")
    missing = suite.smartcity("import", "programs", str(tmp_path / "nothing.csv"))
    assert unreachable.returncode == 1
    assert unreachable.stderr.splitlines() == [
        "smartcity: cannot reach http://127.0.0.1:1/graphql (ConnectError)"
    ]
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [f"smartcity: {tmp_path / 'nothing.csv'}: no such file"]


def test_status_shows_each_part_of_the_running_stack(suite):
    result = suite.smartcity("status")

    assert result.returncode == 0, result.stdout
    rows = [line.split() for line in result.stdout.splitlines()[4:] if line.strip()]
    assert [(row[0], row[1], row[4]) for row in rows] == [
        (part, "ready", "0")
        for part in ("store", "nats", "catalog", "survey", "scoring", "gateway")
    ]
    assert all(row[2].isdigit() for row in rows)  # each its own process


def test_status_says_when_no_stack_runs(suite, tmp_path):
    result = suite.smartcity("status", env={"SMARTCITY_DATA_DIR": str(tmp_path)})

    assert result.returncode == 1
    assert result.stdout.strip() == f"No stack is running from {tmp_path}."


RESULTS_HEADER = (
    "Region,Year,Cohort,Baseline,Baseline Weight,Output,Output Weight,Outcome,Outcome Weight,"
    "Impact,Impact Weight,Quick Win,Quick Win Weight,Final,Document\n"
)
LETTER = "B-1234/DJAI/AI.01.04/12/2022"
CARDS = """query($r: String!) { region(code: $r) { scorecards {
  year finalIndex source document improvement previousFinalIndex cycleId
  dimensions { dimension score weight } } } }"""


def test_a_results_sheet_with_errors_names_each_row_and_column_and_imports_nothing(suite, tmp_path):
    sheet = tmp_path / "results.csv"
    sheet.write_text(
        RESULTS_HEADER + f"12.07,2022,demo,1.40,10,1.54,20,2.92,30,2.56,10,3.08,30,2.51,{LETTER}\n"
        f"16.06,2022,demo,5.2,10,2.36,20,3.35,30,3.88,10,3.46,20,3.31,{LETTER}\n"
        f"63.03,20x2,demo,3.45,10,2.68,20,3.56,30,3.94,10,3.52,,3.41,{LETTER}\n"
    )
    assert refused_sheet(suite, "results", sheet) == [
        f"{sheet}: row 4, column quick win weight: give the weight",
        f"{sheet}: row 4, column year: '20x2' is not a number",
        f"{sheet}: nothing imported",
    ]
    sheet.write_text(sheet.read_text().replace("20x2", "2022").replace("3.52,,", "3.52,30,"))
    assert refused_sheet(suite, "results", sheet) == [
        f"{sheet}: row 3, column baseline: a score is from 0 to 4",
        f"{sheet}: row 3, column weights: the weights sum to 90, not 100",
        f"{sheet}: nothing imported",
    ]
    assert suite.graphql("{ evaluationCycles(year: 2022) { id } }")["evaluationCycles"] == []


def test_published_results_import_into_a_closed_cycle_and_the_next_year_measures_from_them(
    suite, tmp_path
):
    cohort = suite.graphql('{ region(code: "12.07") { cohort } }')["region"]["cohort"]
    sheet = tmp_path / "results.csv"
    sheet.write_text(
        RESULTS_HEADER
        + f"12.07,2022,{cohort},1.40,10,1.54,20,2.92,30,2.56,10,3.08,30,2.51,{LETTER}\n"
        f"16.06,2022,{cohort},3.95,10,2.36,20,3.35,30,3.88,10,3.46,30,3.31,{LETTER}\n"
        f"63.03,2022,{cohort},3.45,10,2.68,20,3.56,30,3.94,10,3.52,30,3.60,{LETTER}\n"
    )
    result = suite.smartcity("import", "results", str(sheet))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"created the closed cycle 2022 · Tahap II · {cohort} (")
    warnings = [line for line in lines if ": warning: " in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{sheet}: row 4: warning: the published final 3.60 is not the")
    assert lines[-1] == "imported 3 published results (0 revised, 0 already there)"
    again = suite.smartcity("import", "results", str(sheet))
    assert again.stdout.splitlines()[-1] == (
        "imported 0 published results (0 revised, 3 already there)"
    )

    deadline = time.monotonic() + 60
    while True:
        cards = suite.graphql(CARDS, {"r": "12.07"})["region"]["scorecards"]
        later = [c for c in cards if c["year"] > 2022]
        if later and later[0]["previousFinalIndex"] == 2.51:
            break
        assert time.monotonic() < deadline, "the later cycle was not rescored over 2022"
        time.sleep(0.5)
    published = next(c for c in cards if c["year"] == 2022)
    assert (published["finalIndex"], published["source"], published["document"]) == (
        2.51, "PUBLISHED", LETTER,
    )  # fmt: skip
    assert [d["score"] for d in published["dimensions"]] == [1.40, 1.54, 2.92, 2.56, 3.08]
    # from the unrounded finals: 2.504 is what the published 2022 dimension scores give
    assert abs(later[0]["improvement"] - (later[0]["finalIndex"] - 2.504)) <= 0.01


def test_letters_export_one_region_as_pdf_and_a_whole_cycle_as_zip(suite, tmp_path):
    cycle = suite.graphql("{ evaluationCycles(year: 2023) { id cohort } }")["evaluationCycles"][0]
    one = suite.smartcity("export", "letters", "--cycle", cycle["id"], "--region", "12.07",
                          cwd=tmp_path)  # fmt: skip
    assert one.returncode == 0, one.stderr
    written = Path(one.stdout.strip().removeprefix("wrote 1 letter to "))
    assert written.parent == tmp_path  # the folder the command ran in, said in full
    final = suite.graphql(
        'query($c: String!) { scorecard(regionCode: "12.07", cycleId: $c) { finalIndex } }',
        {"c": cycle["id"]},
    )["scorecard"]["finalIndex"]
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(written).pages)
    assert f"Nilai Final (Indeks Pencapaian) {final:.2f}".replace(".", ",", 1) in text
    english = suite.smartcity("export", "letters", "--cycle", cycle["id"], "--region", "12.07",
                              "--language", "en", "--output", str(tmp_path / "en.pdf"))  # fmt: skip
    assert english.returncode == 0, english.stderr
    english_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "en.pdf").pages)
    assert f"Final Index (Achievement Index) {final:.2f}" in english_text

    # the cycle by words of its name; the zip named after it in the folder the command ran in
    every = suite.smartcity("export", "letters", "--cycle", "2023 tahap-2", cwd=tmp_path)
    archive_path = tmp_path / f"letters-2023-tahap-ii-{cycle['cohort'].replace('_', '-')}.zip"
    assert every.stdout.strip() == f"wrote 3 letters to {archive_path}", every.stderr
    with zipfile.ZipFile(archive_path) as archive:
        assert len(archive.namelist()) == 3
        assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())


def test_a_cycle_is_chosen_by_words_of_its_name_and_words_that_fit_two_are_refused(suite):
    cohort = suite.graphql('{ region(code: "12.07") { cohort } }')["region"]["cohort"]
    created = []
    for stage in ("TAHAP_1", "FIELD"):
        cycle = {"year": 2031, "stage": stage, "cohort": cohort, "opensOn": "2031-01-01",
                 "closesOn": "2031-12-31", "regionCodes": ["12.07"]}  # fmt: skip
        made = suite.graphql(
            "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }",
            {"i": cycle},
        )
        created.append(made["createEvaluationCycle"]["id"])
    first, field = created

    both = suite.smartcity("export", "scorecards", "--cycle", "2031")
    one = suite.smartcity("export", "scorecards", "--cycle", "2031 Tahap I")
    none = suite.smartcity("export", "scorecards", "--cycle", "1999 tahap-1")
    assert (both.returncode, both.stderr.splitlines()) == (1, [
        f"smartcity: '2031' names more than one cycle, say which: 2031 · Tahap I · {cohort} "
        f"({first}); 2031 · field review · {cohort} ({field})"
    ])  # fmt: skip
    assert (one.returncode, one.stderr.splitlines()) == (1, [
        f"smartcity: cycle 2031 · Tahap I · {cohort} ({first}) has no scorecards you may read"
    ])  # fmt: skip
    assert none.stderr.splitlines() == ["smartcity: no evaluation cycle is named '1999 tahap-1'"]


def test_the_national_list_registers_every_regency_and_city_once_with_cohorts_from_a_file(
    suite, tmp_path
):
    cohorts = tmp_path / "cohorts.csv"
    cohorts.write_text("Region,Cohort\n35.07,kppn_ikn\n99.99,kppn_ikn\n35.78,Not A Slug\n")
    refused = suite.smartcity("import", "regions", "--national", "--cohorts", str(cohorts))
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"{cohorts}: row 3, region: '99.99' is not a regency or city code",
        f"{cohorts}: row 4, cohort: 'Not A Slug' is not a cohort (a short slug)",
        f"{cohorts}: nothing imported",
    ]

    cohorts.write_text("Region,Cohort\n35.07,kppn_ikn\n35.78,kppn_ikn\n")
    national = {r.code for r in national_regions()}
    before = registered_cohorts(suite)  # what other tests of the suite registered
    changed = [c for c in ("35.07", "35.78") if c in before and before[c] != "kppn_ikn"]
    result = suite.smartcity("import", "regions", "--national", "--cohorts", str(cohorts))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"registered {len(national - set(before))} regions, changed the cohort of "
        f"{len(changed)}, {len(national & set(before)) - len(changed)} were already there ("
    )
    assert "Kepmendagri 300.2.2-2138/2025" in result.stdout
    listed = {"35.07": "kppn_ikn", "35.78": "kppn_ikn"}
    assert registered_cohorts(suite) == {**dict.fromkeys(national, COHORT), **before, **listed}
    malang = suite.graphql('{ region(code: "35.07") { name kind province cohort } }')["region"]
    assert malang == {"name": "Kabupaten Malang", "kind": "KABUPATEN",
                      "province": "Jawa Timur", "cohort": "kppn_ikn"}  # fmt: skip
    again = suite.smartcity("import", "regions", "--national", "--cohorts", str(cohorts))
    assert again.stdout.startswith(
        f"registered 0 regions, changed the cohort of 0, {len(national)} were already there ("
    )


def test_an_unknown_version_and_a_broken_document_are_each_one_line(suite, tmp_path):
    unknown = suite.smartcity("rules", "history", "99")
    assert (unknown.returncode, unknown.stderr.splitlines()) == (
        1, ["smartcity: there is no rule set version v99"],
    )  # fmt: skip
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nmethodology: {weights: [\n")
    shown = suite.smartcity("rules", "validate", str(broken))
    assert shown.returncode == 1 and len(shown.stdout.splitlines()) == 3  # header, rule, one row


def test_the_demo_runs_a_cycle_for_more_regions_than_its_own_from_the_national_list(suite):
    result = suite.smartcity("demo", "--regions", "4", "--citizens", "1")
    assert result.returncode == 0, result.stderr
    assert "Every region of the cycle has its scorecard (4)." in result.stdout
    refused = suite.smartcity("demo", "--regions", "515")
    assert (refused.returncode, refused.stderr.strip()) == (
        2, "smartcity: --regions is 1 to 514, not 515",
    )  # fmt: skip


def test_a_regions_plan_shows_its_best_changes_and_the_steps_to_a_target(suite):
    result = suite.smartcity("plan", "12.07", "--target", "rank:1", "--top", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("12.07, cycle ") and "final index" in lines[0]
    assert lines[2] == "Changes worth most, each alone:"
    changes = lines[5:10]
    assert len(changes) == 5 and all(line.startswith(("raise ", "score ")) for line in changes)
    assert any(line.startswith("Plan to rank:1: ") for line in lines), lines


def test_a_plan_asked_with_a_target_no_rule_set_knows_is_one_line(suite):
    result = suite.smartcity("plan", "12.07", "--target", "Luar Biasa")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("smartcity: improvementPlan: BAD_USER_INPUT at target: ")
