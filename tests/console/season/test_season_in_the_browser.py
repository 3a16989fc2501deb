"""A whole season in the browser only, each person on their own screen: the ministry opens the
cycle and its campaigns and assigns five assessors; the region enters a program and submits
its self-assessment; the assessors score and write findings, one of them losing its
connection halfway; the enumerator issues tokens and prints their cards; citizens answer on
phones, some offline; the admin closes the cycle and the region downloads its letter. The
scorecard then equals the one the same inputs give through the API."""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Route, expect

from services.kernel.auth import Role
from tests.console.conftest import SCREENSHOTS, Console, token
from tests.console.season.conftest import Tab, cycle_through_the_api
from tests.e2e.suite import Suite

REGION = "12.07"
YEAR = 2024
ASSESSORS = ("demo-ui", "demo-itb", "demo-ugm", "demo-perbanas", "demo-kominfo")
OFFLINE_ASSESSOR = "demo-ugm"
SUB_DIMENSION = "public_service"
CITIZEN_ANSWERS = ((4, 3, 3), (2, 3, 4), (3, 3, 1))  # each citizen's three answers
EVIDENCE = "https://deliserdangkab.go.id/perda-smart-city.pdf"
SCORECARD = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  finalIndex grade dimensions { dimension score } smartDimensions { dimension score }
  flags(first: 50) { code } counted { assessorScores citizenResponses } } }"""


def score_of(assessor: str, code: str) -> int:
    """Each assessor's score of each question: varied, and the same on both paths."""
    return zlib.crc32(f"{assessor}|{code}".encode()) % 5


def self_answer_of(code: str) -> int:
    return zlib.crc32(code.encode()) % 5


def test_a_season_run_in_the_browser_gives_the_scorecard_of_the_same_inputs_sent_by_api(
    tab: Tab, suite: Suite
):
    cycle_id = ministry_opens_the_season(tab())
    region_enters_a_program_and_its_self_assessment(tab(), cycle_id)
    for who in ASSESSORS:
        assessor_scores(tab(), cycle_id, who, offline_halfway=who == OFFLINE_ASSESSOR)
    cards = enumerator_issues_cards(tab(), cycle_id)
    citizens_answer_on_phones(tab, cards)
    admin_closes_the_cycle(tab(), cycle_id)
    browser_card = settled_scorecard(suite, cycle_id, citizens=len(CITIZEN_ANSWERS))
    region_downloads_its_letter(tab(), cycle_id)

    twin = the_same_inputs_through_the_api(suite)
    assert settled_scorecard(suite, twin, citizens=len(CITIZEN_ANSWERS)) == browser_card


def ministry_opens_the_season(admin: Console) -> str:
    page = admin.sign_in(token(Role.ADMIN))
    expect(page).to_have_url(re.compile(r"#/season$"))
    form = page.locator("#open-cycle")
    form.locator("input[name=year]").fill(str(YEAR))
    form.locator("select[name=stage]").select_option("TAHAP_2")
    form.locator("select[name=cohort]").select_option("regular_2017_2019")
    form.get_by_role("button", name="Open the cycle").click()
    expect(page.locator("#notice")).to_contain_text("Cycle opened for 3 regions")
    cycle_id = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="Open the missing campaigns").click()
    expect(page.locator("#notice")).to_contain_text("9 campaigns opened", timeout=30_000)
    expect(page.locator("#open-campaigns")).to_contain_text("Every region has its")
    for box in page.locator("#assign input[name=assessor]").all():
        box.check()
    page.get_by_label("All regions").check()
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#notice")).to_contain_text("5 assessors assigned to 3 regions")
    expect(page.locator(f"#season tr[data-region='{REGION}']")).to_contain_text("0 of 5 done")
    return cycle_id


def region_enters_a_program_and_its_self_assessment(operator: Console, cycle_id: str) -> None:
    page = operator.sign_in(token(Role.REGION_OPERATOR, REGION))
    expect(page).to_have_url(re.compile(r"#/workspace$"))
    page.get_by_text("Add a program").click()
    form = page.locator("#new-program")
    form.locator("[name=name]").fill("Bank Sampah Digital")
    form.locator("[name=dimension]").select_option("environment")
    form.locator("[name=subDimension]").select_option("waste")
    form.locator("[name=agency]").fill("Dinas Lingkungan Hidup")
    form.get_by_role("button", name="Add the program").click()
    expect(page.locator("#notice")).to_contain_text("Bank Sampah Digital added")
    program = page.locator("[data-dimension=environment] li", has_text="Bank Sampah Digital")
    program.get_by_text("Change or report progress").click()
    report = program.locator("form.progress-form")
    report.locator("[name=stage]").select_option("PLANNING")
    report.locator("[name=percent]").fill("70")
    report.locator("[name=reportedOn]").fill(f"{YEAR}-10-15")
    report.locator("[name=evidence]").fill(EVIDENCE)
    report.get_by_role("button", name="Report").click()
    expect(page.locator("#notice")).to_contain_text("Progress of Bank Sampah Digital reported")
    # the rules' verdict on the quick win, shown before it is proposed
    proposal = page.locator("#propose-quick-win")
    proposal.locator("[name=programId]").select_option(label="Bank Sampah Digital")
    proposal.locator("[name=year]").fill(str(YEAR))
    expect(page.locator("#readiness")).to_contain_text("would make it eligible", timeout=20_000)
    expect(page.locator("#readiness")).to_contain_text("70.0% complete by 31 October")
    proposal.get_by_role("button", name="Propose").click()
    expect(page.locator("#notice")).to_contain_text("Quick win proposed")

    page.locator("#self-assessments a", has_text=str(YEAR)).click()
    sections = page.locator("nav.tabs button")
    expect(sections).to_have_count(6)
    for n in range(6):
        sections.nth(n).click()
        if n == 3:  # half done: what was chosen survives a reload
            expect(page.locator("#draft")).to_contain_text("45 of 117 answered")
            page.reload()
            expect(page.locator("#section select").first).not_to_have_value("")
            sections.nth(n).click()
        for item in page.locator("#section li.question").all():
            code = item.get_attribute("data-code")
            item.locator("select").select_option(str(self_answer_of(code)))
        if n == 0:
            page.locator("#section textarea").first.fill(EVIDENCE)
    expect(page.locator("#draft")).to_contain_text("117 of 117 answered")
    page.get_by_role("button", name="Submit the self-assessment").click()
    expect(page.locator("#notice")).to_contain_text("Self-assessment submitted")


def assessor_scores(assessor: Console, cycle_id: str, who: str, *, offline_halfway: bool) -> None:
    page = assessor.sign_in(token_of(who))
    expect(page).to_have_url(re.compile(r"#/assess$"))
    page.locator(f"a[href='#/assess/{cycle_id}/{REGION}']").click()
    expect(page.locator("#scored")).to_contain_text("0 of 117 scored")
    # the region's own answer and evidence, beside the question
    expect(page.locator("#section li.question").first).to_contain_text(EVIDENCE)
    sections = page.locator("nav.tabs button")
    for n in range(6):
        if n == 3 and offline_halfway:
            page.context.set_offline(True)
        sections.nth(n).click()
        type_scores(page, who)
    if offline_halfway:
        expect(page.locator("#saving")).to_contain_text("kept in this browser")
        page.context.set_offline(False)
    expect(page.locator("#saving")).to_have_text("Every score is saved.", timeout=30_000)
    expect(page.locator("#scored")).to_contain_text("117 of 117 scored · Done")
    if who == ASSESSORS[0]:
        for kind, text in (("strength", "Dewan Smart City aktif"),
                           ("weakness", "Data belum terpadu"),
                           ("recommendation", "Bangun satu data daerah")):  # fmt: skip
            page.locator(f"#finding-{kind}").fill(text)
            page.locator(f"[data-kind={kind.upper()}]").get_by_role("button", name="Add").click()
            expect(page.locator(f"[data-kind={kind.upper()}] ul")).to_contain_text(text)
    page.get_by_role("link", name="← My assessments").click()
    mine = page.locator(f"li[data-region='{REGION}']", has_text=str(YEAR))
    expect(mine).to_contain_text("Done")


def type_scores(page: Page, who: str) -> None:
    """The section's scores typed from the keyboard: each digit moves to the next question."""
    codes = page.locator("#section li.question").evaluate_all(
        "(items) => items.map((i) => i.dataset.code)"
    )
    inputs = page.locator("#section input.score")
    inputs.first.focus()
    for number, code in enumerate(codes):
        page.keyboard.type(str(score_of(who, code)))
        if number + 1 < len(codes):  # the next digit goes where the page moved focus, once it has
            expect(inputs.nth(number + 1)).to_be_focused()
    expect(inputs.last).to_have_value(str(score_of(who, codes[-1])))


def token_of(assessor: str) -> str:
    from services.kernel import auth
    from tests.support import SECRET

    return auth.mint(SECRET, Role.ASSESSOR, subject=assessor)


def enumerator_issues_cards(enumerator: Console, cycle_id: str) -> list[str]:
    page = enumerator.sign_in(token(Role.ENUMERATOR, REGION))
    expect(page).to_have_url(re.compile(r"#/desk$"))
    campaign = page.locator("section[data-campaign]", has_text=str(YEAR))
    campaign.locator("[name=subDimension]").select_option(SUB_DIMENSION)
    campaign.locator("[name=count]").fill(str(len(CITIZEN_ANSWERS)))
    # the gateway issues the tokens but the reply is lost: sent again, counted once
    page.route("**/graphql", lose_the_first_reply_to("issueRespondentTokens"))
    campaign.get_by_role("button", name="Issue tokens").click()
    expect(campaign.get_by_role("alert")).to_be_visible()
    campaign.get_by_role("button", name="Issue tokens").click()
    expect(page.locator("#notice")).to_contain_text("3 tokens issued")
    page.unroute("**/graphql")
    cards = page.locator("li.token-card")
    expect(cards).to_have_count(len(CITIZEN_ANSWERS))
    expect(page.locator("svg.qr")).to_have_count(len(CITIZEN_ANSWERS))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    page.pdf(path=SCREENSHOTS / "token-cards.pdf")
    page.emulate_media(media="screen")
    addresses = [card.get_attribute("data-address") for card in cards.all()]
    # back at the desk the quota shows the tokens issued
    page.get_by_role("link", name="← Survey tokens").click()
    row = page.locator("section[data-campaign]", has_text=str(YEAR)).locator(
        f"tr[data-sub={SUB_DIMENSION}]"
    )
    expect(row.locator("td").nth(2)).to_have_text("3")  # quota, then the tokens issued
    return [a for a in addresses if a]


def citizens_answer_on_phones(tab: Tab, cards: list[str]) -> None:
    online, offline, retried = cards
    answer_on_a_phone(tab(None, phone=True).page, online, CITIZEN_ANSWERS[0])
    # opened while online, answered with no connection, sent when it returns
    phone = tab(None, phone=True).page
    phone.goto(offline)
    expect(phone.locator("form#answers")).to_be_visible()
    phone.context.set_offline(True)
    fill_and_send(phone, CITIZEN_ANSWERS[1])
    expect(phone.locator("main")).to_contain_text("tersimpan di ponsel ini")
    phone.context.set_offline(False)
    expect(phone.locator("main")).to_contain_text("Terima kasih", timeout=30_000)
    # the answer reaches the gateway but the reply is lost: sent again, counted once
    phone = tab("en", phone=True).page
    phone.route("**/graphql", lose_the_first_reply_to("submitResponse"))
    answer_on_a_phone(phone, retried, CITIZEN_ANSWERS[2], thanks="Thank you")
    # the same card on another phone: already used
    other = tab("en", phone=True).page
    answer_on_a_phone(other, retried, (1, 1, 1), thanks=None)
    expect(other.locator("main")).to_contain_text("already been used")


def lose_the_first_reply_to(mutation: str) -> Callable[[Route], None]:
    """A route handler that lets the first request naming the mutation reach the gateway and
    loses its reply; every other request passes."""
    lost = {"replies": 0}

    def handle(route: Route) -> None:
        if (
            lost["replies"] == 0
            and route.request.method == "POST"
            and mutation in (route.request.post_data or "")
        ):
            lost["replies"] += 1
            route.fetch()  # the gateway carries it out ...
            route.abort()  # ... and the browser never hears back
        else:
            route.continue_()

    return handle


def answer_on_a_phone(
    page: Page, address: str, answers, thanks: str | None = "Terima kasih"
) -> None:
    page.goto(address)
    fill_and_send(page, answers)
    if thanks:
        expect(page.locator("main")).to_contain_text(thanks, timeout=30_000)


def fill_and_send(page: Page, answers) -> None:
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(len(answers))
    for n, value in enumerate(answers):
        questions.nth(n).locator(f"input[value='{value}']").check()
    page.locator("form#answers button[type=submit]").click()


def admin_closes_the_cycle(admin: Console, cycle_id: str) -> None:
    page = admin.sign_in(token(Role.ADMIN))
    page.locator(f"#cycles a[href='#/season/{cycle_id}']").click()
    row = page.locator(f"#season tr[data-region='{REGION}']")
    expect(row).to_contain_text("submitted")
    expect(row).to_contain_text("5 of 5 done")
    expect(row).to_contain_text(f"{len(CITIZEN_ANSWERS)} of 900")
    # the citizens' survey period ends first, then the cycle
    page.locator("#close-campaigns input[value=CITIZEN]").check()
    page.get_by_role("button", name="Close them").click()
    expect(page.locator("#notice")).to_contain_text("3 campaigns closed")
    expect(page.locator("#close-campaigns")).not_to_contain_text("Citizen survey")
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Close the cycle").click()
    expect(page.locator("#notice")).to_contain_text("The cycle is closed")


def region_downloads_its_letter(operator: Console, cycle_id: str) -> None:
    page = operator.sign_in(token(Role.REGION_OPERATOR, REGION))
    page.locator(f"#scorecards a[href='#/regions/{REGION}/{cycle_id}']").click()
    with page.expect_download(timeout=60_000) as download:
        page.locator("#letter").click()
    path = download.value.path()
    assert path.read_bytes().startswith(b"%PDF")


def settled_scorecard(suite: Suite, cycle_id: str, citizens: int) -> dict[str, Any]:
    """The region's scorecard of the cycle once it counts every score and citizen."""
    deadline = time.monotonic() + 90
    while True:
        card = suite.graphql(SCORECARD, {"r": REGION, "c": cycle_id})["scorecard"]
        counted = card and card["counted"]
        if counted == {"assessorScores": 117 * len(ASSESSORS), "citizenResponses": citizens}:
            return {k: v for k, v in card.items() if k != "counted"}
        assert time.monotonic() < deadline, card
        time.sleep(0.5)


SCORE = "mutation($i: ScoreAnswersInput!) { scoreAnswers(input: $i) { changed } }"
SUBMIT = "mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { replayed } }"
ISSUE = "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }"
CLOSE = "mutation($id: ID!) { closeEvaluationCycle(id: $id) { id } }"
QUESTIONS = """{ instrument(key: "smartcity-evaluation-2023") { sections { questions { code } } }
  citizens: instrument(key: "citizen-impact-2023") { sections { questions { code subDimension } } } }"""


def the_same_inputs_through_the_api(suite: Suite) -> str:
    """The walk's inputs for the region, sent through the gateway into a twin cycle of the
    same year (Tahap I), which it then closes; its id."""
    call = suite.graphql
    found = call(QUESTIONS)
    codes = [q["code"] for s in found["instrument"]["sections"] for q in s["questions"]]
    impact = [q["code"] for s in found["citizens"]["sections"] for q in s["questions"]
              if q["subDimension"] == SUB_DIMENSION]  # fmt: skip
    cycle = {"year": YEAR, "stage": "TAHAP_1", "cohort": "regular_2017_2019",
             "opensOn": "2024-01-01", "closesOn": "2024-12-31", "regionCodes": [REGION]}  # fmt: skip
    cycle_id, campaigns = cycle_through_the_api(suite, cycle, REGION, list(ASSESSORS))
    operator = token(Role.REGION_OPERATOR, REGION)
    answers = [{"questionCode": c, "score": self_answer_of(c), "evidence": [EVIDENCE] if n == 0 else []}
               for n, c in enumerate(codes)]  # fmt: skip
    sent = {
        "campaignId": campaigns["SELF_ASSESSMENT"],
        "idempotencyKey": "twin-self-2024",
        "answers": answers,
    }
    assert "errors" not in suite.answer(SUBMIT, {"i": sent}, bearer=operator)
    for who in ASSESSORS:
        scores = [{"questionCode": c, "score": score_of(who, c)} for c in codes]
        given = {"i": {"campaignId": campaigns["ASSESSOR"], "scores": scores}}
        assert "errors" not in suite.answer(SCORE, given, bearer=token_of(who))
    issue = {
        "campaignId": campaigns["CITIZEN"],
        "count": len(CITIZEN_ANSWERS),
        "subDimension": SUB_DIMENSION,
    }
    tokens = call(ISSUE, {"i": issue})["issueRespondentTokens"]
    for n, (citizen, values) in enumerate(zip(tokens, CITIZEN_ANSWERS, strict=True)):
        given = {"campaignId": campaigns["CITIZEN"], "idempotencyKey": f"twin-citizen-{n:04d}",
                 "answers": [{"questionCode": c, "score": v} for c, v in zip(impact, values, strict=True)]}  # fmt: skip
        assert "errors" not in suite.answer(SUBMIT, {"i": given}, bearer=citizen)
    call(CLOSE, {"id": cycle_id})
    return str(cycle_id)
