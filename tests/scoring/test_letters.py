"""The results letter: the PDF a region receives for a cycle, read back as text."""

import asyncio
import io

import pypdf

from services.contracts.events import survey
from services.kernel.auth import Role
from tests.published import cycle_closed, published
from tests.scoring.conftest import (
    COHORT,
    MALANG,
    REGIONS,
    assessor_scores,
    campaign_opened,
    cycle_opened,
    instrument_published,
    region_registered,
)
from tests.scoring.test_published_results import IMPORT, rows_2022
from tests.support import through_gateway, token

CYCLE = "cycle-2023"
ASSESSORS = {"ui-ratna": ("Dr. Ratna Wulandari", "Universitas Indonesia"),
             "itb-bagus": ("Ir. Bagus Pratama", "Institut Teknologi Bandung")}  # fmt: skip
FINDINGS = [
    ("f1", "ui-ratna", "strength", "Dewan Smart City aktif dan rutin rapat"),
    ("f2", "ui-ratna", "weakness", "Data antar OPD belum terpadu"),
    ("f3", "itb-bagus", "recommendation", "Bangun satu data daerah sebelum 2025"),
    ("f4", "itb-bagus", "strength", "Layanan publik daring menjangkau desa"),
]
URL = f"/letters/35.07/{CYCLE}.pdf"


def finding(finding_id, assessor, kind, text):
    return published(survey.FindingAdded(id=finding_id, region_code="35.07", cycle_id=CYCLE,
                                         assessor=assessor, kind=kind, text=text))  # fmt: skip


async def evaluated_2023(api):
    await api.learn(cycle_opened("cycle-2022", 2022), *(region_registered(r) for r in REGIONS))
    await api(IMPORT, {"i": {"rows": rows_2022()}})
    await api.learn(
        instrument_published(), cycle_opened(CYCLE, 2023), campaign_opened("35.07", CYCLE),
        *assessor_scores("35.07", MALANG, cycle_id=CYCLE),
        *(published(survey.AssessorRegistered(id=i, name=n, institution=s))
          for i, (n, s) in ASSESSORS.items()),
        *(finding(*f) for f in FINDINGS),
    )  # fmt: skip
    await api.settled()


async def letter(api, bearer):
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return await api.client.get(URL, headers=headers)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def id_number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


async def test_the_letter_gives_each_score_the_final_the_change_the_rank_and_every_finding(api):
    await evaluated_2023(api)
    card = (await api(
        f'{{ scorecard(regionCode: "35.07", cycleId: "{CYCLE}") {{ finalIndex improvement '
        "rank letterUrl dimensions { dimension score weight } } }"
    ))["data"]["scorecard"]  # fmt: skip
    assert card["letterUrl"] == URL
    answer = await letter(api, token(Role.ADMIN))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    text = text_of(answer.content)
    assert "Hasil Evaluasi Implementasi Kota Cerdas" in text and "Tahap II Tahun 2023" in text
    for dimension in card["dimensions"]:
        assert f"{dimension['weight']}% {id_number(dimension['score'])}" in text, dimension
    assert f"Nilai Final (Indeks Pencapaian) {id_number(card['finalIndex'])}" in text
    change = card["improvement"]
    assert f"{'+' if change > 0 else ''}{id_number(change)} (dari 2,51)" in text
    assert f"Peringkat {card['rank']} dari 1 daerah" in text
    for name, institution in ASSESSORS.values():
        assert f"Asesor: {name} ({institution})" in text
    for *_, written in FINDINGS:
        assert written in text
    for heading in ("Kekuatan", "Kelemahan", "Rekomendasi"):
        assert heading in text


async def test_an_open_cycles_letter_is_for_insiders_and_a_closed_ones_for_everyone(api):
    await evaluated_2023(api)
    assert (await letter(api, None)).status_code == 401
    other = await letter(api, token(Role.REGION_OPERATOR, region="33.12"))
    assert (other.status_code, other.json()["errors"][0]["extensions"]["code"]) == (
        403, "FORBIDDEN",
    )  # fmt: skip
    assert (await letter(api, token(Role.REGION_OPERATOR, region="35.07"))).status_code == 200
    await api.learn(cycle_closed(CYCLE, 2023, COHORT, REGIONS))
    through_gateway = await api.client.get(URL, headers=gateway_headers())
    assert through_gateway.status_code == 200
    missing = await api.client.get(f"/letters/99.99/{CYCLE}.pdf", headers=gateway_headers())
    assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def gateway_headers():
    return through_gateway()


KEPT = "Tanda “kutip” — Łódź, Ğ, ř, ő, Ấ, Ωμέγα, Привет ✓ € → 漢字 们 かな カナ"


async def test_a_finding_in_another_script_is_written_as_it_was_written(api):
    await evaluated_2023(api)
    await api.learn(finding("f9", "ui-ratna", "weakness", KEPT))
    text = text_of((await letter(api, token(Role.ADMIN))).content)
    assert f"- {KEPT}" in text


async def test_characters_no_font_of_the_letter_draws_are_written_nearest_or_as_a_question_mark(
    api,
):
    # Hangul, emoji and CJK extension A are in none of the fonts; a mathematical bold A is
    # written as its plain letter
    await evaluated_2023(api)
    await api.learn(finding("f9", "ui-ratna", "weakness", "Ünïcödé 한국 🙂 㐀 \U0001d400 漢字"))
    text = text_of((await letter(api, token(Role.ADMIN))).content)
    assert "- Ünïcödé ?? ? ? A 漢字" in text


async def test_the_letter_is_written_in_english_when_asked_and_another_language_is_refused(api):
    await evaluated_2023(api)
    headers = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
    card = (await api(
        f'{{ scorecard(regionCode: "35.07", cycleId: "{CYCLE}") {{ finalIndex }} }}'
    ))["data"]["scorecard"]  # fmt: skip
    english = await api.client.get(URL, params={"language": "en"}, headers=headers)
    text = text_of(english.content)
    assert "Results of the Smart City Implementation Evaluation" in text
    assert "Tahap II, 2023" in text
    assert f"Final Index (Achievement Index) {card['finalIndex']:.2f}" in text
    assert "(from 2.51)" in text  # numbers as en-GB writes them
    assert "Assessor: Dr. Ratna Wulandari (Universitas Indonesia)" in text
    assert "Kekuatan" not in text and "Strengths" in text
    for *_, written in FINDINGS:
        assert written in text  # what assessors wrote stays as written

    refused = await api.client.get(URL, params={"language": "fr"}, headers=headers)
    error = refused.json()["errors"][0]
    assert (refused.status_code, error["extensions"]["code"]) == (400, "BAD_USER_INPUT")
    assert "language" in error["message"]


async def gauge(api, name: str) -> float:
    metrics = (await api.client.get("/metrics")).text
    [line] = [line for line in metrics.splitlines() if line.startswith(f"smartcity_{name}")]
    return float(line.rsplit(" ", 1)[1])


async def test_a_letter_is_rendered_once_for_its_content_and_language(api):
    await evaluated_2023(api)
    admin = {"Authorization": f"Bearer {token(Role.ADMIN)}"}

    first = await api.client.get(URL, headers=admin)
    again = await api.client.get(URL, headers=admin)
    english = await api.client.get(URL, params={"language": "en"}, headers=admin)
    rendered = await gauge(api, "letters_rendered_total")
    await api.learn(finding("f5", "ui-ratna", "weakness", "Temuan baru setelah surat pertama"))
    await api.settled()
    changed = await api.client.get(URL, headers=admin)

    assert first.content == again.content and english.content != first.content
    assert rendered == 2
    assert "Temuan baru setelah surat pertama" in text_of(changed.content)
    assert await gauge(api, "letters_rendered_total") == 3


async def test_letters_past_the_renderers_room_are_refused_at_once_and_given_later(api):
    await evaluated_2023(api)
    admin = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
    # eight different letters: two regions' 2022 letters and 35.07's 2023, in two languages,
    # each with a long finding of its own; one renders while four wait
    wanted = [(f"/letters/{r}/cycle-2022.pdf", lang) for r in REGIONS for lang in ("id", "en")]
    wanted += [(URL, "id"), (URL, "en")]

    async def ask(url, language):
        return await api.client.get(url, params={"language": language}, headers=admin)

    answers = await asyncio.gather(*(ask(url, lang) for url, lang in wanted))
    busy = [a for a in answers if a.status_code == 503]
    later = [await ask(url, lang) for (url, lang), a in zip(wanted, answers, strict=True)
             if a.status_code == 503]  # fmt: skip

    assert {a.status_code for a in answers} == {200, 503}
    assert len(busy) <= len(wanted) - 5
    assert {(b.json()["errors"][0]["extensions"]["code"], b.headers["retry-after"])
            for b in busy} == {("BUSY", "5")}  # fmt: skip
    assert [a.status_code for a in later] == [200] * len(busy)


async def test_reads_are_answered_while_a_long_letter_is_being_written(api):
    await evaluated_2023(api)
    await api.learn(*(finding(f"long-{n}", "ui-ratna", "weakness", f"Temuan {n}: " + "data " * 1_000)
                      for n in range(97)))  # fmt: skip
    await api.settled()
    admin = {"Authorization": f"Bearer {token(Role.ADMIN)}"}

    writing = asyncio.ensure_future(api.client.get(URL, headers=admin))
    await asyncio.sleep(0.2)  # the letter is in the renderer's hands
    read = await api(f'{{ scorecard(regionCode: "35.07", cycleId: "{CYCLE}") {{ finalIndex }} }}')
    still_writing = not writing.done()
    written = await writing

    assert read["data"]["scorecard"]["finalIndex"] > 0
    assert still_writing
    assert written.status_code == 200
