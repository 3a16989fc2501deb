from services.kernel.auth import Role
from tests.support import token

from .conftest import ADMIN

INSTRUMENT = """query($key: String!) { instrument(key: $key) { key version questionCount
  sections { code questions { code } } } }"""

PUBLISH = "mutation($i: PublishInstrumentInput!) { publishInstrument(input: $i) { key version } }"


def a_small_instrument(version: int = 1, **question) -> dict:
    return {
        "key": "kepuasan-mpp", "version": version, "title": "Kepuasan Mall Pelayanan Publik",
        "sections": [{"code": "S1", "title": "Layanan", "questions": [
            {"code": "Q1", "text": "Seberapa puas Anda?", "type": "LIKERT", "scaleMin": 1, "scaleMax": 5}
            | question,
        ]}],
    }  # fmt: skip


async def test_the_2023_instrument_ships_with_117_questions_in_six_evaluation_dimensions(api):
    result = await api(INSTRUMENT, {"key": "smartcity-evaluation-2023"})
    instrument = result["data"]["instrument"]
    counts = {s["code"]: len(s["questions"]) for s in instrument["sections"]}
    assert (instrument["version"], instrument["questionCount"]) == (1, 117)
    assert counts == {"A": 5, "B": 7, "C": 33, "D": 54, "E": 12, "F": 6}


async def test_the_citizen_impact_survey_asks_three_questions_per_sub_dimension(api):
    result = await api(
        '{ instrument(key: "citizen-impact-2023") { questionCount sections { questions { subDimension scaleMax } } } }'
    )
    instrument = result["data"]["instrument"]
    sub_dimensions = [q["subDimension"] for s in instrument["sections"] for q in s["questions"]]
    assert instrument["questionCount"] == 54
    assert {sub: sub_dimensions.count(sub) for sub in sub_dimensions} == dict.fromkeys(
        sub_dimensions, 3
    )
    assert len(set(sub_dimensions)) == 18


async def test_the_ikm_instrument_has_the_nine_service_elements(api):
    result = await api(
        '{ instrument(key: "ikm-permenpanrb-14-2017") { sections { questions { element scaleMin scaleMax } } } }'
    )
    (section,) = result["data"]["instrument"]["sections"]
    assert [q["element"] for q in section["questions"]][:3] == [
        "Persyaratan", "Sistem, Mekanisme, dan Prosedur", "Waktu Penyelesaian",
    ]  # fmt: skip
    assert {(q["scaleMin"], q["scaleMax"]) for q in section["questions"]} == {(1, 4)}
    assert len(section["questions"]) == 9


async def test_an_admin_publishes_a_version_and_cannot_publish_it_twice(api):
    first = await api(PUBLISH, {"i": a_small_instrument()}, bearer=ADMIN)
    again = await api(PUBLISH, {"i": a_small_instrument()}, bearer=ADMIN)
    second = await api(PUBLISH, {"i": a_small_instrument(version=2)}, bearer=ADMIN)
    latest = await api('{ instrument(key: "kepuasan-mpp") { version } }')
    assert first == {"data": {"publishInstrument": {"key": "kepuasan-mpp", "version": 1}}}
    assert again["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "input.version"}
    assert second["data"]["publishInstrument"]["version"] == 2
    assert latest == {"data": {"instrument": {"version": 2}}}


async def test_an_invalid_instrument_is_refused_with_each_problem_located(api):
    broken = a_small_instrument(scaleMax=7, smartDimension="governance", subDimension="waste")
    broken["sections"][0]["questions"].append({"code": "Q1", "text": "again", "type": "TEXT"})
    result = await api(PUBLISH, {"i": broken}, bearer=ADMIN)
    problems = [p["field"] for p in result["errors"][0]["extensions"]["problems"]]
    assert problems == [
        "input.sections[0].questions[0].scaleMax",
        "input.sections[0].questions[0].subDimension",
        "input.sections[0].questions[1].code",
    ]
    assert (await api('{ instrument(key: "kepuasan-mpp") { version } }')) == {
        "data": {"instrument": None}
    }


async def test_only_an_admin_publishes_instruments(api):
    result = await api(PUBLISH, {"i": a_small_instrument()}, bearer=token(Role.MINISTRY))
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
