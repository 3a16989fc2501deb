"""A year of the programme as the ministry runs it, through the gateway and the command line:
the national list loaded, the published 2022 results imported, a 2023 cycle for Kab. Malang
scored by five named assessors with `scoreAnswers` (citizens answering beside them), its
scorecard, its improvement over 2022 and its results letter."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pypdf
import pytest

from tests.e2e.suite import Suite
from tests.e2e.up import UpProcess, free_ports

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
COHORT = "kppn_ikn"
LETTER_2022 = "B-1234/DJAI/AI.01.04/12/2022"
# PRODUCT.md's worked examples: the published 2022 table (weights 10/20/30/10/30)
PUBLISHED_2022 = {
    "35.07": ((1.40, 1.54, 2.92, 2.56, 3.08), 2.51),
    "33.12": ((3.95, 2.36, 3.35, 3.88, 3.46), 3.31),
    "35.78": ((3.45, 2.68, 3.56, 3.94, 3.52), 3.41),
}
# Malang's 2023 dimension means, reached exactly by five assessors' whole-number scores;
# under the 2023 KPPN/IKN weights 10/20/20/20/20/10 they give 2.94, and 2.94 less the
# unrounded 2022 final (2.504) is the published +0.44
MALANG_2023 = {"baseline": 2.0, "output": 2.6, "outcome": 3.0, "impact": 3.2, "quick_win": 3.4,
               "kolaborasi": 3.0}  # fmt: skip
ASSESSORS = {
    "ui-ratna": ("Dr. Ratna Wulandari", "Universitas Indonesia"),
    "itb-bagus": ("Ir. Bagus Pratama", "Institut Teknologi Bandung"),
    "ugm-sri": ("Dr. Sri Handayani", "Universitas Gadjah Mada"),
    "perbanas-andi": ("Andi Saputra, M.M.", "Perbanas Institute"),
    "kominfo-dewi": ("Dewi Lestari, S.Kom.", "Kementerian Komunikasi dan Informatika"),
}
CARD = """query($c: String!) { scorecard(regionCode: "35.07", cycleId: $c) {
  finalIndex grade improvement previousFinalIndex source rank letterUrl
  counted { assessorScores citizenResponses }
  dimensions { dimension score weight }
  impactSurvey { subDimension assessorsScore citizensScore citizensMeanAnswer respondents } } }"""


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Iterator[Suite]:
    """`smartcity up` without the demo: no region registered."""
    data_dir = tmp_path_factory.mktemp("programme")
    up = UpProcess(data_dir, free_ports(), "--no-demo")
    try:
        up.wait_for("Press Ctrl-C to stop.")
        yield Suite(up, data_dir)
    finally:
        if up.process.poll() is None:
            up.interrupt()
        up.kill()


def until_known(suite: Suite, query: str, variables: dict) -> dict:
    """Retries while a service has not yet learnt, from the stream, what another created."""
    deadline = time.monotonic() + 60
    while True:
        answer = suite.answer(query, variables)
        codes = {e["extensions"].get("code") for e in answer.get("errors", [])}
        if "NOT_FOUND" not in codes or time.monotonic() > deadline:
            assert "errors" not in answer, answer["errors"]
            return answer["data"]
        time.sleep(0.2)


def whole_number_scores(mean: float, codes: list[str], assessors: list[str]) -> dict:
    """Each assessor's 0-4 score of each question, the dimension's mean exactly `mean`."""
    slots = len(codes) * len(assessors)
    total = round(mean * slots)
    assert total == mean * slots
    base, extra = divmod(total, slots)
    flat = iter([base + (1 if i < extra else 0) for i in range(slots)])
    return {who: {code: next(flat) for code in codes} for who in assessors}


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_a_programme_year_from_published_history_to_the_results_letter(suite: Suite, tmp_path):
    # every regency and city, the three of the worked examples in the KPPN/IKN cohort
    cohorts = tmp_path / "cohorts.csv"
    cohorts.write_text("region,cohort\n" + "".join(f"{c},{COHORT}\n" for c in PUBLISHED_2022))
    loaded = suite.smartcity("import", "regions", "--national", "--cohorts", str(cohorts))
    assert loaded.stdout.startswith("registered 514 regions"), loaded.stderr

    # the published 2022 results, as the ministry's table gives them
    sheet = tmp_path / "hasil-2022.csv"
    header = "region,year,cohort," + ",".join(
        f"{d},{d} weight" for d in ("baseline", "output", "outcome", "impact", "quick win")
    )
    lines = [
        f"{code},2022,{COHORT},"
        + ",".join(f"{s},{w}" for s, w in zip(scores, (10, 20, 30, 10, 30), strict=True))
        + f",{final},{LETTER_2022}"
        for code, (scores, final) in PUBLISHED_2022.items()
    ]
    sheet.write_text(header + ",final,document\n" + "\n".join(lines) + "\n")
    imported = suite.smartcity("import", "results", str(sheet))
    assert imported.stdout.splitlines()[-1] == (
        "imported 3 published results (0 revised, 0 already there)"
    ), imported.stderr

    # a 2023 cycle for Malang: five named assessors, citizens beside them
    cycle_id = suite.graphql(
        "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }",
        {"i": {"year": 2023, "stage": "TAHAP_2", "cohort": COHORT, "opensOn": "2023-06-01",
               "closesOn": "2023-12-04", "regionCodes": ["35.07"]}},
    )["createEvaluationCycle"]["id"]  # fmt: skip
    for person, (name, institution) in ASSESSORS.items():
        suite.graphql(
            "mutation($i: RegisterAssessorInput!) { registerAssessor(input: $i) { id } }",
            {"i": {"id": person, "name": name, "institution": institution}},
        )
    until_known(
        suite,
        "mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }",
        {"i": {"regionCode": "35.07", "cycleId": cycle_id, "assessors": list(ASSESSORS)}},
    )
    campaigns = {}
    for audience, key in (("ASSESSOR", "smartcity-evaluation-2023"),
                          ("CITIZEN", "citizen-impact-2023")):  # fmt: skip
        campaigns[audience] = until_known(
            suite,
            "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }",
            {"i": {"instrumentKey": key, "instrumentVersion": 1, "regionCode": "35.07",
                   "cycleId": cycle_id, "audience": audience}},
        )["openCampaign"]["id"]  # fmt: skip

    sections = suite.graphql(
        '{ instrument(key: "smartcity-evaluation-2023") { sections { questions { code '
        "evaluationDimension subDimension } } } }"
    )["instrument"]["sections"]
    questions = [q for s in sections for q in s["questions"]]
    sheets: dict[str, dict[str, int]] = {who: {} for who in ASSESSORS}
    for dimension, mean in MALANG_2023.items():
        codes = [q["code"] for q in questions if q["evaluationDimension"] == dimension.upper()]
        for who, scores in whole_number_scores(mean, codes, list(ASSESSORS)).items():
            sheets[who] |= scores
    findings = {}
    for who, scores in sheets.items():
        token = suite.smartcity("token", "--role", "assessor", "--subject", who).stdout.strip()
        scored = suite.answer(
            "mutation($i: ScoreAnswersInput!) { scoreAnswers(input: $i) { changed } }",
            {"i": {"campaignId": campaigns["ASSESSOR"],
                   "scores": [{"questionCode": c, "score": s} for c, s in scores.items()]}},
            bearer=token,
        )  # fmt: skip
        assert scored["data"]["scoreAnswers"]["changed"] == 117, scored
        for kind, text in (("STRENGTH", f"Kekuatan menurut {who}: dewan kota cerdas aktif"),
                           ("WEAKNESS", f"Kelemahan menurut {who}: data OPD belum terpadu"),
                           ("RECOMMENDATION", f"Rekomendasi {who}: bangun satu data daerah")):  # fmt: skip
            findings[(who, kind)] = text
            added = suite.answer(
                "mutation($i: AddFindingInput!) { addFinding(input: $i) { assessor } }",
                {"i": {"regionCode": "35.07", "cycleId": cycle_id, "kind": kind, "text": text}},
                bearer=token,
            )
            assert "errors" not in added, added

    # five citizens of one sub-dimension answer the lowest everywhere
    layanan = next(q["subDimension"] for q in questions if q["evaluationDimension"] == "IMPACT")
    citizen_codes = [q["code"] for q in questions if q["subDimension"] == layanan]
    respondents = suite.graphql(
        "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }",
        {"i": {"campaignId": campaigns["CITIZEN"], "count": 5, "subDimension": layanan}},
    )["issueRespondentTokens"]
    for number, respondent in enumerate(respondents):
        suite.graphql(
            "mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { replayed } }",
            {"i": {"campaignId": campaigns["CITIZEN"], "idempotencyKey": f"warga-malang-{number}",
                   "respondentToken": respondent,
                   "answers": [{"questionCode": c, "score": 1} for c in citizen_codes]}},
        )  # fmt: skip

    deadline = time.monotonic() + 90
    while True:
        card = suite.graphql(CARD, {"c": cycle_id})["scorecard"]
        if card and card["counted"] == {"assessorScores": 585, "citizenResponses": 5}:
            break
        assert time.monotonic() < deadline, f"the scorecard did not count the evidence: {card}"
        time.sleep(0.5)

    # the scorecard: impact from the assessors, the survey shown beside it
    assert {d["dimension"]: d["score"] for d in card["dimensions"]} == MALANG_2023
    assert (card["finalIndex"], card["improvement"], card["previousFinalIndex"]) == (
        2.94, 0.44, 2.51,
    )  # fmt: skip
    beside = next(s for s in card["impactSurvey"] if s["subDimension"] == layanan)
    assert (beside["assessorsScore"], beside["citizensScore"], beside["citizensMeanAnswer"],
            beside["respondents"]) == (3.2, 0.0, 1.0, 5)  # fmt: skip

    # the history: 2022 as published, 2023 computed from it
    history = suite.graphql(
        '{ region(code: "35.07") { scorecards { year finalIndex source document } } }'
    )["region"]["scorecards"]
    assert history == [
        {"year": 2023, "finalIndex": 2.94, "source": "COMPUTED", "document": None},
        {"year": 2022, "finalIndex": 2.51, "source": "PUBLISHED", "document": LETTER_2022},
    ]

    # the letter, read back
    written = suite.smartcity("export", "letters", "--cycle", cycle_id, "--region", "35.07",
                              "--output", str(tmp_path / "malang.pdf"))  # fmt: skip
    assert written.returncode == 0, written.stderr
    text = text_of(tmp_path / "malang.pdf")
    for dimension, mean in MALANG_2023.items():
        assert f"{mean:.2f}".replace(".", ",") in text, dimension
    assert "Nilai Final (Indeks Pencapaian) 2,94" in text
    assert "+0,44 (dari 2,51)" in text
    for name, institution in ASSESSORS.values():
        assert f"{name} ({institution})" in text
    for finding in findings.values():
        assert finding in text
