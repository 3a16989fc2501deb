import asyncio

from services.contracts.events.survey import RespondentTokensIssued, ResponsesAccepted
from services.kernel.auth import Role
from tests.in_process import runtime_of
from tests.support import token

from .conftest import ADMIN, CYCLE

SUBMIT = """mutation($i: SubmitResponseInput!) { submitResponse(input: $i) {
  replayed response { id subDimension respondent answers { questionCode score } } } }"""
BATCH = """mutation($items: [SubmitResponseInput!]!) { submitResponses(inputs: $items) {
  index result { replayed response { id } } error { code field problems { field } } } }"""
PUBLIC_SERVICE = ("D.1.1.1", "D.1.1.2", "D.1.1.3")


def answers(scores, codes=PUBLIC_SERVICE):
    return [{"questionCode": c, "score": s} for c, s in zip(codes, scores, strict=True)]


def submission(campaign_id: str, key: str, scores=(4, 3, 3), codes=PUBLIC_SERVICE) -> dict:
    return {
        "i": {"campaignId": campaign_id, "idempotencyKey": key, "answers": answers(scores, codes)}
    }


async def citizen_campaign(api) -> tuple[str, list[str]]:
    campaign_id = await api.open_campaign("CITIZEN", "citizen-impact-2023")
    return campaign_id, await api.respondent_tokens(campaign_id, 3, "public_service")


async def stored_responses(api, campaign_id: str) -> int:
    result = await api("query($id: ID!) { campaign(id: $id) { responses(first: 500) { id } } }",
                       {"id": campaign_id}, bearer=ADMIN)  # fmt: skip
    return len(result["data"]["campaign"]["responses"])


async def test_a_citizen_answers_the_questions_of_the_sub_dimension_on_their_token(api):
    campaign_id, (citizen, *_) = await citizen_campaign(api)
    result = await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    submitted = result["data"]["submitResponse"]
    assert submitted["replayed"] is False
    assert submitted["response"]["subDimension"] == "public_service"
    assert submitted["response"]["respondent"] is None  # citizens stay anonymous
    await asyncio.sleep(0.3)
    [batch] = api.published.events_of(ResponsesAccepted.event_type())
    [item] = batch["data"]["items"]
    assert (batch["data"]["kind"], item["sub_dimension"]) == ("citizen", "public_service")
    assert [(a["question_code"], a["score"]) for a in item["answers"]] == [
        ("D.1.1.1", 4), ("D.1.1.2", 3), ("D.1.1.3", 3)
    ]  # fmt: skip


async def test_the_same_idempotency_key_twice_stores_one_response_and_returns_it_again(api):
    campaign_id, (citizen, *_) = await citizen_campaign(api)
    first = await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    again = await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    assert again["data"]["submitResponse"]["replayed"] is True
    assert (
        again["data"]["submitResponse"]["response"] == first["data"]["submitResponse"]["response"]
    )
    assert await stored_responses(api, campaign_id) == 1


async def test_a_retry_racing_the_first_attempt_still_stores_one_response(api):
    campaign_id, (citizen, *_) = await citizen_campaign(api)
    attempts = [
        api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen) for _ in range(4)
    ]
    results = await asyncio.gather(*attempts)
    ids = {r["data"]["submitResponse"]["response"]["id"] for r in results}
    assert len(ids) == 1
    assert await stored_responses(api, campaign_id) == 1
    await asyncio.sleep(0.3)
    # each attempt's reply says the response was accepted, and each publishes it (a reply may
    # be lost); every batch names the one response, which a consumer counts once
    batches = api.published.events_of(ResponsesAccepted.event_type())
    assert {i["response_id"] for b in batches for i in b["data"]["items"]} == ids


async def test_a_token_answers_once_even_under_another_key(api):
    campaign_id, (citizen, *_) = await citizen_campaign(api)
    await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    second = await api(
        SUBMIT, submission(campaign_id, "key-0000002", scores=(1, 1, 1)), bearer=citizen
    )
    assert second["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert await stored_responses(api, campaign_id) == 1


async def test_a_reused_key_with_other_answers_is_a_conflict(api):
    campaign_id, (citizen, *_) = await citizen_campaign(api)
    await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    changed = await api(
        SUBMIT, submission(campaign_id, "key-0000001", scores=(1, 1, 1)), bearer=citizen
    )
    assert changed["errors"][0]["extensions"] == {
        "code": "CONFLICT",
        "field": "input.idempotencyKey",
    }


async def test_every_invalid_answer_is_reported_by_question_code_and_nothing_is_stored(api):
    campaign_id, (citizen, *_) = await citizen_campaign(api)
    bad = [
        {"questionCode": "D.1.1.1", "score": 5},
        {"questionCode": "D.1.1.2", "text": "bagus"},
        {"questionCode": "D.2.1.1", "score": 3},
        {"questionCode": "X.9", "score": 3},
    ]
    result = await api(SUBMIT, {"i": {"campaignId": campaign_id, "idempotencyKey": "key-0000001",
                                      "answers": bad}}, bearer=citizen)  # fmt: skip
    problems = [p["field"] for p in result["errors"][0]["extensions"]["problems"]]
    assert problems == [
        "input.answers[D.1.1.1].score",
        "input.answers[D.1.1.2].text",
        "input.answers[D.1.1.2].score",
        "input.answers[D.2.1.1]",
        "input.answers[X.9]",
        "input.answers[D.1.1.3]",
    ]
    assert await stored_responses(api, campaign_id) == 0
    await asyncio.sleep(0.2)
    assert api.published.events_of(ResponsesAccepted.event_type()) == []


async def test_a_token_for_another_campaign_is_forbidden(api):
    campaign_id, _ = await citizen_campaign(api)
    other = await api.open_campaign("CITIZEN", "citizen-impact-2023", region="63.03")
    (stranger,) = await api.respondent_tokens(other, 1, "public_service")
    result = await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=stranger)
    assert result["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "input.campaignId"}


async def test_an_admin_cannot_answer_as_a_citizen(api):
    campaign_id, _ = await citizen_campaign(api)
    result = await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=ADMIN)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_batch_reports_each_item_and_keeps_the_good_ones(api):
    campaign_id, tokens = await citizen_campaign(api)
    citizen = tokens[0]
    items = [
        submission(campaign_id, "key-0000001")["i"],
        submission(campaign_id, "key-0000002", scores=(9, 3, 3))["i"],
        submission(campaign_id, "key-0000001")["i"],
    ]
    result = await api(BATCH, {"items": items}, bearer=citizen)
    first, second, third = result["data"]["submitResponses"]
    assert first["result"]["replayed"] is False and first["error"] is None
    assert second["error"] == {
        "code": "BAD_USER_INPUT",
        "field": "inputs[1].answers[D.1.1.1].score",
        "problems": [{"field": "inputs[1].answers[D.1.1.1].score"}],
    }
    assert third["result"] == {"replayed": True, "response": first["result"]["response"]}
    assert await stored_responses(api, campaign_id) == 1


async def test_a_region_operator_fills_its_self_assessment(api):
    campaign_id = await api.open_campaign("SELF_ASSESSMENT", "smartcity-evaluation-2023")
    result = await api(
        SUBMIT,
        submission(campaign_id, "self-0000001", scores=(4,), codes=("A.1.1.1",)),
        bearer=token(Role.REGION_OPERATOR, region="12.07"),
    )
    other_region = await api(
        SUBMIT,
        submission(campaign_id, "self-0000002", scores=(4,), codes=("A.1.1.1",)),
        bearer=token(Role.REGION_OPERATOR, region="63.03"),
    )
    assert result["data"]["submitResponse"]["response"]["respondent"] == "dev-region_operator"
    assert other_region["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_self_assessment_answer_carries_its_evidence_links_each_checked(api):
    campaign_id = await api.open_campaign("SELF_ASSESSMENT", "smartcity-evaluation-2023")
    operator = token(Role.REGION_OPERATOR, region="12.07")

    def answered(key: str, evidence: list[str]) -> dict:
        answer = {"questionCode": "A.1.1.1", "score": 3, "evidence": evidence}
        return {"i": {"campaignId": campaign_id, "idempotencyKey": key, "answers": [answer]}}

    refused = await api(SUBMIT, answered("self-0000001", ["javascript:alert(1)"]), bearer=operator)
    kept = await api(SUBMIT, answered("self-0000002", ["https://deliserdangkab.go.id/perda.pdf"]),
                     bearer=operator)  # fmt: skip
    assert refused["errors"][0]["extensions"]["problems"][0]["field"] == (
        "input.answers[A.1.1.1].evidence[0]"
    )
    assert kept["data"]["submitResponse"]["response"]["answers"] == [
        {"questionCode": "A.1.1.1", "score": 3}
    ]
    assert await stored_responses(api, campaign_id) == 1


async def test_a_closed_campaign_takes_no_more_responses_but_retries_get_their_result(api):
    campaign_id, (citizen, other, _) = await citizen_campaign(api)
    first = await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    await api(
        "mutation($id: ID!) { closeCampaign(id: $id) { status } }",
        {"id": campaign_id},
        bearer=ADMIN,
    )
    retry = await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    late = await api(SUBMIT, submission(campaign_id, "key-0000009"), bearer=other)
    assert (
        retry["data"]["submitResponse"]["response"] == first["data"]["submitResponse"]["response"]
    )
    assert late["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "input.campaignId"}


async def test_a_field_app_syncs_a_batch_with_each_citizens_token(api):
    campaign_id, tokens = await citizen_campaign(api)
    items = [
        submission(campaign_id, f"sync-{n:07d}")["i"] | {"respondentToken": citizen}
        for n, citizen in enumerate(tokens)
    ]
    items.append(submission(campaign_id, "sync-forged")["i"] | {"respondentToken": "not-a-token"})
    result = await api(BATCH, {"items": items}, bearer=token(Role.REGION_OPERATOR, region="12.07"))
    outcomes = result["data"]["submitResponses"]
    assert [o["error"] is None for o in outcomes] == [True, True, True, False]
    assert outcomes[3]["error"]["code"] == "UNAUTHENTICATED"
    assert outcomes[3]["error"]["field"] == "inputs[3].respondentToken"
    assert await stored_responses(api, campaign_id) == 3


async def test_a_batch_synced_again_replays_each_item_and_refuses_a_changed_one(api):
    campaign_id, tokens = await citizen_campaign(api)
    operator = token(Role.REGION_OPERATOR, region="12.07")
    items = [
        submission(campaign_id, f"sync-{n:07d}")["i"] | {"respondentToken": citizen}
        for n, citizen in enumerate(tokens)
    ]
    first = (await api(BATCH, {"items": items}, bearer=operator))["data"]["submitResponses"]
    changed = {**items[2], "answers": answers((1, 1, 1))}
    again = await api(BATCH, {"items": [*items[:2], changed]}, bearer=operator)
    outcomes = again["data"]["submitResponses"]
    assert [o["result"] for o in outcomes[:2]] == [
        {"replayed": True, "response": f["result"]["response"]} for f in first[:2]
    ]
    assert outcomes[2]["error"]["code"] == "CONFLICT"
    assert await stored_responses(api, campaign_id) == 3


async def relayed(api, event_type: str, count: int) -> list[dict]:
    """The events of a type once the outbox relay has published `count` of them."""
    for _ in range(100):
        if len(api.published.events_of(event_type)) >= count:
            break
        await asyncio.sleep(0.05)
    return api.published.events_of(event_type)


ISSUE = "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }"


async def issue(api, campaign_id: str, count: int, bearer: str, sub="public_service"):
    wanted = {"campaignId": campaign_id, "count": count, "subDimension": sub}
    return await api(ISSUE, {"i": wanted}, bearer=bearer)


async def test_tokens_are_never_issued_beyond_the_campaigns_quota(api):
    campaign_id = await api.open_campaign("CITIZEN", "citizen-impact-2023", quotaPerSubDimension=5)
    enumerator = token(Role.ENUMERATOR, region="12.07")

    first = await issue(api, campaign_id, 3, enumerator)
    too_many = await issue(api, campaign_id, 3, enumerator)
    rest = await issue(api, campaign_id, 2, ADMIN)
    none_left = await issue(api, campaign_id, 1, ADMIN)
    other_group = await issue(api, campaign_id, 5, enumerator, sub="public_policy")

    assert len(first["data"]["issueRespondentTokens"]) == 3
    assert too_many["data"] is None
    assert too_many["errors"][0]["message"] == (
        "the quota of public_service is 5 respondents and 3 tokens are issued: at most 2 more"
    )
    assert too_many["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "input.count"}
    assert len(rest["data"]["issueRespondentTokens"]) == 2
    assert none_left["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert len(other_group["data"]["issueRespondentTokens"]) == 5
    issued = [
        (e["data"]["sub_dimension"], e["data"]["issued"], e["data"]["issued_by"])
        for e in await relayed(api, RespondentTokensIssued.event_type(), 3)
    ]
    assert issued == [
        ("public_service", 3, "dev-enumerator"),
        ("public_service", 5, "dev-admin"),
        ("public_policy", 5, "dev-enumerator"),
    ]


async def test_concurrent_requests_together_stay_within_the_quota(api):
    campaign_id = await api.open_campaign("CITIZEN", "citizen-impact-2023", quotaPerSubDimension=10)

    results = await asyncio.gather(*(issue(api, campaign_id, 3, ADMIN) for _ in range(6)))

    issued = sum(len((r["data"] or {}).get("issueRespondentTokens") or []) for r in results)
    assert issued == 9
    assert sum(1 for r in results if r.get("errors")) == 3


async def test_a_token_request_sent_again_with_its_key_counts_once(api):
    campaign_id = await api.open_campaign("CITIZEN", "citizen-impact-2023", quotaPerSubDimension=5)
    keyed = {"campaignId": campaign_id, "count": 3, "subDimension": "public_service",
             "idempotencyKey": "desk-request-1"}  # fmt: skip

    first = await api(ISSUE, {"i": keyed}, bearer=ADMIN)
    again = await asyncio.gather(*(api(ISSUE, {"i": keyed}, bearer=ADMIN) for _ in range(3)))
    beyond = await issue(api, campaign_id, 3, ADMIN)
    rest = await issue(api, campaign_id, 2, ADMIN)

    assert all(len(a["data"]["issueRespondentTokens"]) == 3 for a in again)
    assert beyond["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "input.count"}
    assert len(rest["data"]["issueRespondentTokens"]) == 2
    issued = [e["data"]["issued"]
              for e in await relayed(api, RespondentTokensIssued.event_type(), 2)]  # fmt: skip
    assert issued == [3, 5]
    # a token issued again is for the same citizen, who answers once
    citizen = first["data"]["issueRespondentTokens"][0]
    same_citizen = again[0]["data"]["issueRespondentTokens"][0]
    await api(SUBMIT, submission(campaign_id, "key-0000001"), bearer=citizen)
    second = await api(SUBMIT, submission(campaign_id, "key-0000002"), bearer=same_citizen)
    assert second["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_a_token_requests_key_sent_with_another_request_is_a_conflict(api):
    campaign_id = await api.open_campaign("CITIZEN", "citizen-impact-2023")
    keyed = {"campaignId": campaign_id, "count": 3, "subDimension": "public_service",
             "idempotencyKey": "desk-request-1"}  # fmt: skip

    await api(ISSUE, {"i": keyed}, bearer=ADMIN)
    more = await api(ISSUE, {"i": keyed | {"count": 4}}, bearer=ADMIN)
    elsewhere = await api(ISSUE, {"i": keyed | {"subDimension": "tourism"}}, bearer=ADMIN)
    malformed = await api(ISSUE, {"i": keyed | {"idempotencyKey": "a b"}}, bearer=ADMIN)

    another_issuer = await api(ISSUE, {"i": keyed}, bearer=token(Role.ENUMERATOR, region="12.07"))

    conflict = {"code": "CONFLICT", "field": "input.idempotencyKey"}
    assert [r["errors"][0]["extensions"] for r in (more, elsewhere)] == [conflict, conflict]
    # the key is the issuer's: another issuer's request under it is a request of its own
    assert len(another_issuer["data"]["issueRespondentTokens"]) == 3
    issued = [e["data"]["issued"]
              for e in await relayed(api, RespondentTokensIssued.event_type(), 2)]  # fmt: skip
    assert issued == [3, 6]
    assert malformed["errors"][0]["extensions"]["problems"] == [
        {"field": "input.idempotencyKey",
         "message": "an idempotency key is 8-100 letters, digits or _ . : -"}
    ]  # fmt: skip


async def test_a_region_operator_cannot_mint_its_own_citizens(api):
    campaign_id = await api.open_campaign("CITIZEN", "citizen-impact-2023")

    own = await issue(api, campaign_id, 1, token(Role.REGION_OPERATOR, region="12.07"))
    elsewhere = await issue(api, campaign_id, 1, token(Role.ENUMERATOR, region="63.03"))

    assert own["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert elsewhere["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "field": "input.campaignId",
    }


async def test_only_an_admin_sets_a_quota_above_the_instruments_target(api):
    operator = token(Role.REGION_OPERATOR, region="12.07")
    wanted = {"instrumentKey": "citizen-impact-2023", "instrumentVersion": 1,
              "regionCode": "12.07", "cycleId": CYCLE, "audience": "CITIZEN"}  # fmt: skip
    opened = (
        "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id quotaPerSubDimension } }"
    )

    above = await api(opened, {"i": wanted | {"quotaPerSubDimension": 51}}, bearer=operator)
    within = await api(opened, {"i": wanted | {"quotaPerSubDimension": 50}}, bearer=operator)
    elsewhere = wanted | {"regionCode": "63.03", "quotaPerSubDimension": 370}
    by_admin = await api(opened, {"i": elsewhere}, bearer=ADMIN)

    assert above["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "field": "input.quotaPerSubDimension",
    }
    assert within["data"]["openCampaign"]["quotaPerSubDimension"] == 50
    assert by_admin["data"]["openCampaign"]["quotaPerSubDimension"] == 370


async def test_a_region_has_one_citizen_impact_campaign_a_cycle_and_so_one_quota(api):
    operator = token(Role.REGION_OPERATOR, region="12.07")
    opened = "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }"
    impact = {"instrumentKey": "citizen-impact-2023", "instrumentVersion": 1,
              "regionCode": "12.07", "cycleId": CYCLE, "audience": "CITIZEN"}  # fmt: skip
    ikm = impact | {"instrumentKey": "ikm-permenpanrb-14-2017"}

    first = await api(opened, {"i": impact}, bearer=operator)
    again = await api(opened, {"i": impact}, bearer=operator)
    as_a_service = await api(opened, {"i": impact | {"service": "Disdukcapil"}}, bearer=ADMIN)
    services = [
        await api(opened, {"i": ikm | {"service": name}}, bearer=operator)
        for name in ("Disdukcapil", "RSUD", "RSUD")
    ]
    enumerator = token(Role.ENUMERATOR, region="12.07")
    campaign_id = first["data"]["openCampaign"]["id"]
    whole_quota = await issue(api, campaign_id, 50, enumerator)
    beyond = await issue(api, campaign_id, 1, enumerator)

    taken = {"code": "CONFLICT", "field": "input.instrumentKey"}
    assert [a["errors"][0]["extensions"] for a in (again, as_a_service)] == [taken, taken]
    assert again["errors"][0]["message"] == (
        f"region 12.07 already has a citizen campaign of this kind in cycle {CYCLE}; "
        "issue its tokens there"
    )
    assert [("errors" in s) for s in services] == [False, False, True]
    assert services[2]["errors"][0]["extensions"] == taken
    assert len(whole_quota["data"]["issueRespondentTokens"]) == 50
    assert beyond["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "input.count"}
    listed = await api(
        '{ campaigns(regionCode: "12.07", audience: CITIZEN) { instrumentKey } }', bearer=ADMIN
    )
    assert sorted(c["instrumentKey"] for c in listed["data"]["campaigns"]) == [
        "citizen-impact-2023", "ikm-permenpanrb-14-2017", "ikm-permenpanrb-14-2017",
    ]  # fmt: skip


async def test_campaigns_stored_before_slots_go_on_changing_without_conflict(api):
    first = await api.open_campaign("CITIZEN", "citizen-impact-2023", quotaPerSubDimension=5)
    second = await api.open_campaign("ASSESSOR", "smartcity-evaluation-2023")
    storage = runtime_of(api.app).storage
    await storage.run(api_unset_slots, storage.db["campaigns"])

    issued = await issue(api, first, 2, ADMIN)
    closed = await api("mutation($id: ID!) { closeCampaign(id: $id) { status } }", {"id": second},
                       bearer=ADMIN)  # fmt: skip

    assert len(issued["data"]["issueRespondentTokens"]) == 2
    assert closed["data"]["closeCampaign"]["status"] == "CLOSED"


def api_unset_slots(campaigns) -> None:
    """As a campaign stored before slots is: without one."""
    campaigns.update_many({}, {"$unset": {"slot": ""}})
