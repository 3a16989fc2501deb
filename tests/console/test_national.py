"""The console at national size, in both languages: the 514 regencies and cities with a
published year of results, ranked, sorted, filtered, and one region's page."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from services.catalog.national import national_regions
from services.kernel.auth import Role
from tests.console.conftest import Console, token
from tests.e2e.suite import Suite

COHORT = "regular_2017_2019"  # the demo regions' cohort: one cycle holds the whole country
WEIGHTS = {"baseline": 10, "output": 20, "outcome": 30, "impact": 20, "quick win": 20}
LETTER = "B-999/DJAI/2022"


@pytest.fixture(scope="module")
def national_cycle(suite: Suite, tmp_path_factory) -> str:
    """Every regency and city registered, and a published 2022 with a realistic spread."""
    registered = suite.smartcity("import", "regions", "--national", "--cohort", COHORT)
    assert registered.returncode == 0, registered.stderr
    draw, lines = random.Random(2022), []
    for region in national_regions():
        scores = {d: round(min(4.0, max(0.5, draw.gauss(2.8, 0.6))), 2) for d in WEIGHTS}
        final = sum(scores[d] * w / 100 for d, w in WEIGHTS.items())
        cells = ",".join(f"{scores[d]},{w}" for d, w in WEIGHTS.items())
        lines.append(f"{region.code},2022,{COHORT},{cells},{final:.2f},{LETTER}")
    sheet = tmp_path_factory.mktemp("national") / "hasil-2022.csv"
    header = ",".join(f"{d},{d} weight" for d in WEIGHTS)
    sheet.write_text(f"region,year,cohort,{header},final,document\n" + "\n".join(lines) + "\n")
    imported = suite.smartcity("import", "results", str(sheet))
    assert imported.returncode == 0, imported.stderr
    cycles = suite.graphql("{ evaluationCycles(year: 2022) { id } }")["evaluationCycles"]
    return cycles[0]["id"]


def test_the_national_ranking_in_bahasa_indonesia(konsol: Console, national_cycle: str):
    page = konsol.open("/signin")
    expect(page.locator("h1")).to_have_text("Masuk")
    konsol.sign_in(token(Role.MINISTRY))
    expect(page.locator("#nav")).to_contain_text("Kartu Nilai")
    konsol.open(f"/scorecards/{national_cycle}")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(514)
    expect(page.locator("#shown")).to_have_text("514 dari 514 daerah")
    assert re.fullmatch(r"\d,\d\d", rows.first.locator("td").nth(5).inner_text())
    expect(page.locator("select[name=cycle] option:checked")).to_contain_text("2022 · Tahap II")
    expect(page.locator("#rescoring")).to_be_empty()  # published results wait for no rule set
    expect(rows.first.locator("td").nth(9)).to_have_text("dipublikasikan")

    page.locator("button.sort[data-key=finalIndex]").click()
    finals = [float(v.replace(",", ".")) for v in page.locator(
        "#ranking tbody tr td:nth-child(6)").all_inner_texts()]  # fmt: skip
    assert finals == sorted(finals)
    east_java = sum(r.province == "Jawa Timur" for r in national_regions())
    page.select_option("select[name=province]", "Jawa Timur")
    expect(rows).to_have_count(east_java)
    expect(page.locator("#shown")).to_have_text(f"{east_java} dari 514 daerah")
    konsol.screenshot("30-peringkat-nasional")

    page.locator("#ranking a", has_text="Kabupaten Malang").click()
    expect(page.locator("#published")).to_have_text(f"Hasil yang dipublikasikan, dari {LETTER}")
    expect(page.locator("#letter")).to_have_text("Unduh surat hasil evaluasi (PDF)")
    expect(page.locator(".tile strong").first).to_have_text(re.compile(r"^\d,\d\d$"))
    expect(page.locator("#campaigns")).to_contain_text("Tidak ada kampanye survei")
    konsol.screenshot("31-daerah")


def test_the_national_ranking_in_english_and_the_choice_is_kept(
    konsol: Console, national_cycle: str
):
    page = konsol.sign_in(token(Role.MINISTRY))
    page.select_option("select[name=language]", "en")
    expect(page.locator("#nav")).to_contain_text("Scorecards")
    konsol.open(f"/scorecards/{national_cycle}")
    expect(page.locator("#shown")).to_have_text("514 of 514 regions")
    cell = page.locator("#ranking tbody tr").first.locator("td").nth(5).inner_text()
    assert re.fullmatch(r"\d\.\d\d", cell)
    page.reload()
    expect(page.locator("h1")).to_have_text("Scorecards")
    konsol.screenshot("32-national-ranking-en")


def test_a_rule_set_is_simulated_in_bahasa_indonesia_beside_the_national_year(
    konsol: Console, national_cycle: str
):
    page = konsol.sign_in(token(Role.ADMIN))
    konsol.open("/rules/v1")
    expect(page.get_by_role("button", name="Simulasikan")).to_be_visible()
    options = page.locator("form.card select option").all_inner_texts()
    assert any("2022 · Tahap II" in o for o in options)  # cycles by their names
    page.get_by_role("button", name="Simulasikan").click()
    expect(page.locator("#simulation h2")).to_contain_text("Simulasi terhadap 2023 · Tahap II")
    expect(page.locator("#movers thead")).to_contain_text("Indeks lama")
    expect(page.locator("#movers tbody tr")).to_have_count(3)  # the demo's computed cycle
    konsol.screenshot("33-simulasi")
