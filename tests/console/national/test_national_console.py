"""The console at national size, in both languages: the 514 regencies and cities with a
published 2022 and a computed 2024, ranked, sorted, filtered, a region's page, and a rule
set simulated against the whole computed year."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from services.demo.national import national_regions
from services.kernel.auth import Role
from tests.console.conftest import Console, token
from tests.console.national.seed import LETTER, NationalYear
from tests.e2e.suite import Suite

DRAFT = "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id version } }"
SHIPPED = Path(__file__).parents[3] / "services/scoring/shipped/default_ruleset.yaml"
EVERY_YEAR = ('{year: "*", cohort: "*", weights: '
              "{baseline: 10, output: 20, outcome: 30, impact: 20, quick_win: 20}}")  # fmt: skip
IMPACT_FIRST = ('{year: "*", cohort: "*", weights: '
                "{baseline: 10, output: 10, outcome: 20, impact: 40, quick_win: 20}}")  # fmt: skip


def finals(page) -> list[float]:
    cells = page.locator("#ranking tbody tr td:nth-child(6)").all_inner_texts()
    return [float(v.replace(",", ".")) for v in cells]


def test_the_published_national_year_in_bahasa_indonesia(konsol: Console, national: NationalYear):
    page = konsol.open("/signin")
    expect(page.locator("h1")).to_have_text("Masuk")
    konsol.sign_in(token(Role.MINISTRY))
    expect(page.locator("#nav")).to_contain_text("Kartu Nilai")
    konsol.open(f"/scorecards/{national.published_cycle}")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(514)
    expect(page.locator("#shown")).to_have_text("514 dari 514 daerah")
    assert re.fullmatch(r"\d,\d\d", rows.first.locator("td").nth(5).inner_text())
    expect(page.locator("select[name=cycle] option:checked")).to_contain_text("2022 · Tahap II")
    expect(page.locator("#rescoring")).to_be_empty()  # published results wait for no rule set
    expect(rows.first.locator("td").nth(9)).to_have_text("dipublikasikan")

    page.locator("button.sort[data-key=finalIndex]").click()
    assert finals(page) == sorted(finals(page))
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


def test_the_computed_national_year_in_bahasa_indonesia(konsol: Console, national: NationalYear):
    page = konsol.sign_in(token(Role.MINISTRY))
    konsol.open(f"/scorecards/{national.computed_cycle}")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(514)
    expect(page.locator("#rescoring")).to_be_empty()  # nothing left to rescore
    expect(rows.first.locator("td").nth(9)).to_have_text("v1")
    ranked = finals(page)
    assert len(set(ranked)) > 50  # a realistic spread, not a handful of values
    page.locator("button.sort[data-key=finalIndex]").click()
    rising = finals(page)
    assert rising == sorted(ranked) and rising != ranked
    page.locator("button.sort[data-key=finalIndex]").click()
    assert finals(page) == sorted(ranked, reverse=True)  # from rising, so sorted again
    page.select_option("select[name=province]", "Papua")
    papua = sum(r.province == "Papua" for r in national_regions())
    expect(rows).to_have_count(papua)
    konsol.screenshot("34-peringkat-nasional-dihitung")

    rows.first.locator("a").click()
    expect(page.locator("#campaigns tbody td").first).to_have_text(
        "Penilaian asesor · 2024 · Tahap II · reguler (2017-2019)"
    )
    expect(page.locator(".tile.change .muted")).to_have_text(re.compile(r"^dari \d,\d\d$"))
    expect(page.locator("#findings")).to_be_visible()
    konsol.screenshot("35-daerah-dihitung")


def test_the_national_ranking_in_english_and_the_choice_is_kept(
    konsol: Console, national: NationalYear
):
    page = konsol.sign_in(token(Role.MINISTRY))
    page.select_option("select[name=language]", "en")
    expect(page.locator("#nav")).to_contain_text("Scorecards")
    konsol.open(f"/scorecards/{national.computed_cycle}")
    expect(page.locator("#shown")).to_have_text("514 of 514 regions")
    cell = page.locator("#ranking tbody tr").first.locator("td").nth(5).inner_text()
    assert re.fullmatch(r"\d\.\d\d", cell)
    page.reload()
    expect(page.locator("h1")).to_have_text("Scorecards")
    konsol.screenshot("32-national-ranking-en")


def _impact_first(suite: Suite) -> str:
    """A draft that weighs impact twice as much in every year after 2023."""
    text = SHIPPED.read_text()
    assert EVERY_YEAR in text
    drafted = suite.graphql(DRAFT, {"i": {"text": text.replace(EVERY_YEAR, IMPACT_FIRST)}})
    return str(drafted["draftRuleSet"]["version"])


def test_a_rule_set_is_simulated_against_the_national_year_in_both_languages(
    konsol: Console, national: NationalYear, suite: Suite
):
    version = _impact_first(suite)
    page = konsol.sign_in(token(Role.ADMIN))
    konsol.open(f"/rules/v{version}")
    expect(page.locator("form.card select option:checked")).to_contain_text("2024 · Tahap II")
    options = page.locator("form.card select option").all_inner_texts()
    assert any("2022 · Tahap II" in o for o in options)  # cycles by their names
    page.get_by_role("button", name="Simulasikan").click()
    # 514 regions scored by the draft's rules: a while on a machine busy with the rest
    expect(page.locator("#simulation h2")).to_contain_text(
        "Simulasi terhadap 2024 · Tahap II", timeout=60_000
    )
    expect(page.locator("#movers tbody tr")).to_have_count(514, timeout=60_000)
    expect(page.locator("#simulation p").first).to_contain_text(re.compile(r"dari 514 daerah"))
    expect(page.locator("#movers thead")).to_contain_text("Indeks lama")
    konsol.screenshot("33-simulasi")

    page.select_option("select[name=language]", "en")  # the same page, drawn again in English
    expect(page.locator("#nav")).to_contain_text("Scorecards")
    page.get_by_role("button", name="Simulate").click()
    expect(page.locator("#simulation h2")).to_contain_text(
        "Simulated against 2024 · Tahap II", timeout=60_000
    )
    expect(page.locator("#movers tbody tr")).to_have_count(514, timeout=60_000)
    summary = page.locator("#simulation p").first.inner_text()
    changed = int(re.match(r"(\d+) of 514 regions would change", summary)[1])
    assert changed > 400  # impact weighs twice as much: nearly every final moves
    konsol.screenshot("36-simulation-en")
