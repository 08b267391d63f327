"""End-to-end tests of the web app in a real browser: Playwright drives Debian's Chromium
against ``app.py`` started in a subprocess (its own temp home, the hash embedder, one coach
login). Each test uses a fresh browser context, which is a new candidate: the candidate id lives
in the browser's local storage, so one context is one candidate and another context is someone
else.

The tests also save screenshots: in reports/screenshots/, or in docs/screenshots/ (the README
shows them) with INTERVIEWER_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import (
    SLOW,
    VIEWPORT,
    App,
    bot_messages,
    choose,
    chromium_problem,
    dismiss_toasts,
    event_index,
    field,
    launch_chromium,
    open_app,
    screenshot,
    scroll_to_top,
    send_answer,
    start_app,
    tab,
    toasts,
    user_messages,
    wait_idle,
)
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from interviewer.auth import hash_password
from interviewer.config import Settings
from interviewer.review import MIN_OVERRIDES_FOR_AGREEMENT
from interviewer.service import InterviewService
from interviewer.ui.identity import NO_SESSION

COACH, COACH_PASSWORD = "coach", "right-pw"
SEED_OWNER = "seeded-candidate"
SEED_ANSWERS = [
    "The hardest technical problem I solved with code was a memory leak in our Go ingestion "
    "service: RSS grew 200 MB an hour and pods were OOM-killed nightly. What made it hard was "
    "that it only leaked under production traffic.",
    "I took heap profiles with pprof an hour apart and diffed them. The leak was a cache of parsed "
    "schemas keyed by request id, so it never hit; I keyed it by schema hash and capped it with an "
    "LRU of 512 entries rather than a TTL, because schemas rarely change.",
]
DEEP_ANSWERS = [
    "The hardest one was a memory leak in our Python billing worker at Fjord Pay: RSS grew from "
    "400 MB to 3 GB over a day and the pods were OOM-killed every night.",
    "I took tracemalloc snapshots an hour apart on one canary pod and diffed them.\n"
    "The growth was in a module-level dict that memoised currency rates per request id, so it "
    "never evicted; I chose a bounded LRU over a TTL cache because rates change daily.",
    "Afterwards RSS stayed flat at 450 MB for a month and the nightly restarts stopped. I added a "
    "memory-growth alert at 10% an hour, and I now review every module-level cache in code review.",
    "The lesson I took: profile before guessing. My first guess was the ORM session and I lost a "
    "day on it.",
]
HOSTILE = (
    'I fixed it <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> '
    "then [click](javascript:window.__pwned=3) and ![t](http://127.0.0.1:9/x.png) for the team."
)
HOSTILE_PARTS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    "[click](javascript:window.__pwned=3)",
    "![t](http://127.0.0.1:9/x.png)",
]
QUOTED = re.compile(r"[\"“]([^\"”]{12,})[\"”]")


# -- fixtures -------------------------------------------------------------------------------------
@dataclass
class Seeded:
    """What was stored through the service before the app started: finished sessions of another
    candidate and MIN_OVERRIDES_FOR_AGREEMENT - 1 coach overrides on them."""

    service: InterviewService
    sessions: list[str]
    for_ui: tuple[str, str, str]  # session id, criterion id, criterion name: the last override


def seed(home: Path, credentials: str) -> Seeded:
    settings = Settings(  # the app's settings, whatever INTERVIEWER_* variables are set here
        home=home,
        embedder="hash",
        coach_credentials=credentials,
        provider="offline",
        store_path=None,
        database_url=None,
        candidate_credentials=None,
        secret=None,
    )
    service = InterviewService(settings)
    pairs: list[tuple[str, str, str, float]] = []
    sessions = []
    for k in (1, 2, 2):
        session_id, _ = service.start("complex-problem", owner=SEED_OWNER)
        for answer in SEED_ANSWERS[:k]:
            service.reply(session_id, answer, owner=SEED_OWNER)
        card = service.end(session_id, owner=SEED_OWNER)
        sessions.append(session_id)
        pairs += [(session_id, c.id, c.name, c.score) for c in card.criteria if c.score is not None]
    wanted = MIN_OVERRIDES_FOR_AGREEMENT - 1
    assert len(pairs) > wanted, "the seeded sessions have too few scored criteria"
    for n, (session_id, criterion, _, machine) in enumerate(pairs[:wanted]):
        after = min(5, max(1, round(machine) + (n % 3 - 1)))  # agree, or differ by one point
        reason = "Seeded review: the quoted evidence supports a different level."
        service.review.override(session_id, criterion, after, reason, COACH)
    session_id, criterion, name, _ = pairs[-1]
    return Seeded(service, sessions, (session_id, criterion, name))


@dataclass
class Running:
    app: App
    seeded: Seeded

    @property
    def url(self) -> str:
        return self.app.url


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    home = tmp_path_factory.mktemp("browser") / "home"
    credentials = f"{COACH}:{hash_password(COACH_PASSWORD)}"
    seeded = seed(home, credentials)
    app = start_app(
        home, {"INTERVIEWER_EMBEDDER": "hash", "INTERVIEWER_COACH_CREDENTIALS": credentials}
    )
    yield Running(app, seeded)
    app.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    problem = chromium_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_candidate(browser: Browser, running: Running) -> Iterator[Callable[[], Page]]:
    """Opens the app in a new browser context (a new candidate) and returns its page. Fails the
    test if the page raised a JavaScript error."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(SLOW)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        open_app(page, running.url)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


# -- helpers --------------------------------------------------------------------------------------
def start_interview(page: Page, persona: str | None = None, role: str = "") -> None:
    if persona:
        choose(page, "persona", persona)
    if role:
        field(page, "role").fill(role)
    page.locator("#start").click()
    expect(page.locator("#progress")).to_contain_text("Question 1 of", timeout=SLOW)
    expect(bot_messages(page)).to_have_count(1)
    wait_idle(page, "chat")


def end_interview(page: Page) -> None:
    page.locator("#end").click()
    expect(page.locator("#scorecard")).to_contain_text("Overall:", timeout=SLOW)
    expect(page.locator("#progress")).to_contain_text("Finished")


def follow_ups_quoting(page: Page, answers: list[str]) -> list[str]:
    """Interviewer messages (after the first question) that quote the candidate's own words."""
    found = []
    for text in bot_messages(page).all_inner_texts()[1:]:
        if any(q.strip() in a for q in QUOTED.findall(text) for a in answers):
            found.append(text)
    return found


def session_with(service: InterviewService, words: str) -> str:
    """The id of the stored session that has an answer containing ``words``."""
    for info in service.list_sessions(None):
        if any(words in t.text for t in service.get(info.id).turns if t.role == "candidate"):
            return info.id
    raise AssertionError(f"no stored session has an answer with {words!r}")


# -- 1. practice ----------------------------------------------------------------------------------
def test_practice_interview_with_follow_ups_scorecard_and_downloads(
    new_candidate: Callable[[], Page],
) -> None:
    page = new_candidate()
    choose(page, "persona", "Complex problem deep dive · 45 min")
    expect(page.locator("#persona-info")).to_contain_text("problem")
    choose(page, "level", "senior")
    start_interview(page, role="Backend engineer")
    expect(page.locator("#interview-title")).to_contain_text("Complex problem deep dive interview")
    expect(page.locator("#interview-title")).to_contain_text("Backend engineer · senior")
    expect(page.locator("#progress")).to_have_text(re.compile(r"^\s*Question 1 of \d+\s*$"))
    count = int(page.locator("#progress").inner_text().rsplit(" ", 1)[1])
    assert count >= 2, "the interview should plan more than one question"

    # the timer runs: it reads "m:ss elapsed of 45 min" and changes as the seconds pass
    timer = page.locator("#timer")
    expect(timer).to_have_text(re.compile(r"^\s*\d+:\d\d elapsed of 45 min\s*$"))
    first_reading = timer.inner_text()
    expect(timer).not_to_have_text(first_reading, timeout=5_000)

    # answer until the interviewer moves on; the second answer has two lines and is sent with
    # Shift+Enter, as the placeholder says
    sent: list[str] = []
    for n, answer in enumerate(DEEP_ANSWERS):
        send_answer(page, answer, send=None if n == 1 else "send")
        sent.append(answer)
        expect(field(page, "answer")).to_have_value("")
        if "Question 2 of" in page.locator("#progress").inner_text():
            break
    expect(page.locator("#progress")).to_have_text(f"Question 2 of {count}")
    assert len(sent) >= 2
    expect(user_messages(page)).to_have_count(len(sent))
    for n, answer in enumerate(sent):
        expect(user_messages(page).nth(n)).to_contain_text(answer.split("\n")[0])
    quoting = follow_ups_quoting(page, sent)
    assert quoting, f"no follow-up quoted the candidate: {bot_messages(page).all_inner_texts()}"
    screenshot(page, "practice-chat")

    end_interview(page)
    expect(page.locator("#progress")).to_have_text(f"Finished · {len(sent)} answers")
    expect(page.locator("#send")).to_be_hidden()
    expect(page.locator("#new-interview")).to_be_visible()
    # the per-criterion bar chart is drawn: an SVG with bars and the rubric's criteria on its axis
    chart = page.locator("#criteria-chart")
    expect(chart.locator("svg").first).to_be_visible()
    expect(chart.locator("svg g.mark-rect path").first).to_be_visible()
    assert chart.locator("svg g.mark-rect path").count() >= 3
    expect(chart).to_contain_text("Why it was hard")
    expect(page.locator("#scorecard")).to_contain_text("Strengths")
    expect(page.locator("#transcript")).to_contain_text(sent[0])
    expect(page.locator("#transcript mark.evidence").first).to_be_visible()
    page.wait_for_timeout(300)  # let the chart's entry transition settle for the picture
    screenshot(page, "practice-scorecard")

    # downloads: the transcript as Markdown and as JSON, with the candidate's answers in them
    with page.expect_download() as md_download:
        page.locator("#download-md").click()
    markdown = Path(md_download.value.path()).read_text(encoding="utf-8")
    assert md_download.value.suggested_filename.endswith(".md")
    assert markdown.startswith("# Interview: complex-problem")
    for answer in sent:
        assert answer in markdown
    with page.expect_download() as json_download:
        page.locator("#download-json").click()
    assert json_download.value.suggested_filename.endswith(".json")
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data["persona"] == "complex-problem" and data["level"] == "senior"
    answers = [t["text"] for t in data["turns"] if t["role"] == "candidate"]
    assert answers == sent
    follow_ups = [t["text"] for t in data["turns"] if t["kind"] == "follow_up"]
    assert follow_ups and data["scorecard"]["overall"] is not None
    assert any(f in " ".join(quoting) for f in follow_ups)


# -- 2. history -----------------------------------------------------------------------------------
def test_history_after_reload_lists_reopens_and_resumes(
    new_candidate: Callable[[], Page],
) -> None:
    page = new_candidate()
    # a finished interview, an unfinished one, and a finished drill (two scored sessions draw
    # the progress chart)
    start_interview(page, "Complex problem deep dive · 45 min", role="Backend engineer")
    finished_answers = DEEP_ANSWERS[:2]
    for answer in finished_answers:
        send_answer(page, answer)
    end_interview(page)
    page.locator("#new-interview").click()
    expect(page.locator("#start")).to_be_visible()
    start_interview(page)
    unfinished = (
        "At Nordlys I owned the Kafka consumer that fell 40 minutes behind during a sale; I "
        "doubled the partitions and cut the lag to 5 seconds."
    )
    send_answer(page, unfinished)
    tab(page, "Drill")
    choose(page, "drill-topic", "debugging")
    page.locator("#drill-start").click()
    expect(bot_messages(page, "drill-chat")).to_have_count(1)
    # a vaguer drill answer than the interview's, so the progress chart has something to show
    vague = "I debugged a memory leak in a worker once. I looked at the graphs and fixed the cache."
    send_answer(page, vague, "drill-chat", "drill-answer", "drill-send")
    field(page, "drill-answer").fill("We tried a few things and it worked out in the end.")
    page.locator("#drill-send").click()
    expect(page.locator("#drill-score")).to_contain_text("/ 5", timeout=SLOW)

    page.reload()
    expect(page.locator("#who")).to_contain_text("cand-")
    expect(page.locator("#resume-banner")).to_contain_text("unfinished")
    tab(page, "History")
    table = page.locator("#history-table")
    expect(table).to_contain_text("in progress")
    expect(table).to_contain_text("finished")
    expect(table).to_contain_text("Drill")
    expect(table).to_contain_text("Backend engineer")
    expect(table).to_contain_text("Complex problem deep dive")
    expect(page.locator("#history-empty")).to_be_hidden()
    chart = page.locator("#history-chart")
    expect(chart.locator("svg").first).to_be_visible()
    expect(chart.locator("svg g.mark-line path")).not_to_have_count(0)  # one line per dimension
    expect(chart).to_contain_text("specificity")

    # reopen the finished interview: its scorecard and transcript
    choose(page, "history-session", re.compile(r"Complex problem deep dive · \d\.\d\/5$"))
    page.locator("#reopen").click()
    expect(page.locator("#history-scorecard")).to_contain_text("Overall:")
    for answer in finished_answers:
        expect(page.locator("#history-transcript")).to_contain_text(answer.split("\n")[0])
    expect(page.locator("#history-criteria-chart svg g.mark-rect path").first).to_be_visible()
    page.wait_for_timeout(300)
    screenshot(page, "history")

    # resume the unfinished one: back on the Practice tab, where it stopped, and it goes on
    choose(page, "history-session", re.compile(r"in progress$"))
    page.locator("#reopen").click()
    expect(page.locator("#history-scorecard")).to_contain_text("not finished yet")
    expect(page.locator("#history-transcript")).to_contain_text(unfinished)
    page.locator("#resume-session").click()
    expect(page.get_by_role("tab", name="Practice", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(user_messages(page)).to_have_count(1)
    expect(user_messages(page).first).to_contain_text(unfinished)
    expect(bot_messages(page)).to_have_count(2)
    expect(page.locator("#progress")).to_contain_text("Question 1 of")
    send_answer(page, "We measured the lag in Grafana for a week; it never went over 8 seconds.")
    expect(user_messages(page)).to_have_count(2)


# -- 3. candidate text is data --------------------------------------------------------------------
def assert_inert(page: Page, requests: list[str], where: str) -> None:
    """Nothing the candidate typed ran, loaded or became an image, script or javascript: link."""
    page.wait_for_timeout(300)  # time for anything injected to fire or load
    assert page.evaluate("() => window.__pwned") is None, where
    images = page.locator("img").evaluate_all("els => els.map(e => e.getAttribute('src'))")
    assert not [s for s in images if s and ("x.png" in s or s.strip() == "x")], (where, images)
    surfaces = "#chat, #transcript, #scorecard, #feedback, #history-transcript, #history-scorecard"
    assert page.locator(f":is({surfaces}) :is(img, script, iframe)").count() == 0, where
    links = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href') || '')")
    assert not [h for h in links if h.strip().lower().startswith("javascript:")], (where, links)
    assert not [u for u in requests if "127.0.0.1:9" in u or u.endswith("/x")], (where, requests)


def test_candidate_text_cannot_run_script_or_load_anything(
    new_candidate: Callable[[], Page],
) -> None:
    page = new_candidate()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    start_interview(page)
    send_answer(page, HOSTILE)
    expect(user_messages(page).first).to_contain_text("onerror")
    assert_inert(page, requests, "the chat")
    end_interview(page)  # the scorecard quotes the answer as evidence
    expect(page.locator("#transcript")).to_contain_text("onerror")
    assert_inert(page, requests, "the scorecard")
    tab(page, "History")
    choose(page, "history-session", re.compile(r"Behavioural"))
    page.locator("#reopen").click()
    expect(page.locator("#history-transcript")).to_contain_text("onerror")
    assert_inert(page, requests, "the history")


def test_candidate_text_shows_literally(new_candidate: Callable[[], Page]) -> None:
    page = new_candidate()
    start_interview(page)
    send_answer(page, HOSTILE)
    message = user_messages(page).first
    for part in HOSTILE_PARTS:
        expect(message).to_contain_text(part)
    # the candidate's words are not turned into links or images
    assert message.locator("a, img").count() == 0, message.inner_html()
    end_interview(page)
    for part in HOSTILE_PARTS:
        expect(page.locator("#transcript")).to_contain_text(part)


def test_an_empty_send_warns_and_keeps_the_chat(new_candidate: Callable[[], Page]) -> None:
    page = new_candidate()
    start_interview(page)
    shown = bot_messages(page).count()
    question = bot_messages(page).last.inner_text()
    field(page, "answer").fill("   ")
    page.locator("#send").click()
    expect(toasts(page).filter(has_text="Type your answer first")).to_be_visible()
    wait_idle(page, "chat")
    expect(bot_messages(page)).to_have_count(shown)  # nothing wiped, nothing sent
    expect(bot_messages(page).last).to_have_text(question)
    send_answer(page, "I would start with the data model, then the API, then the cache.")
    expect(user_messages(page)).to_have_count(1)


# -- 4. coach review ------------------------------------------------------------------------------
def test_coach_review_login_and_override_agreement(
    new_candidate: Callable[[], Page], running: Running
) -> None:
    seeded = running.seeded
    page = new_candidate()
    tab(page, "Coach review")
    expect(page.locator("#review-panels")).to_be_hidden()

    field(page, "coach-user").fill(COACH)
    field(page, "coach-password").fill("wrong-pw")
    page.locator("#coach-login").click()
    expect(page.locator("#coach-status")).to_contain_text("Wrong coach name or password")
    expect(page.locator("#review-panels")).to_be_hidden()
    expect(page.locator("#coach-logout")).to_be_hidden()
    for session_id in seeded.sessions:
        expect(page.get_by_text(session_id)).to_have_count(0)
    expect(page.get_by_text(re.compile("overridden criteria"))).to_have_count(0)
    expect(page.locator("#review-table")).to_be_hidden()

    field(page, "coach-password").fill(COACH_PASSWORD)
    field(page, "coach-password").press("Enter")
    expect(page.locator("#coach-status")).to_contain_text(f"Logged in as {COACH}")
    expect(page.locator("#review-panels")).to_be_visible()
    for session_id in seeded.sessions:
        expect(page.locator("#review-table")).to_contain_text(session_id)
    wanted = MIN_OVERRIDES_FOR_AGREEMENT - 1
    agreement = page.locator("#review-agreement")
    expect(agreement).to_contain_text(f"{wanted} overridden criteria so far; 1 more needed")
    expect(agreement).not_to_contain_text("Spearman")

    # the last override needed, made in the page: open the session, pick criterion and score
    session_id, criterion, name = seeded.for_ui
    page.locator("#review-table").get_by_text(session_id).click()
    expect(page.locator("#review-summary")).to_contain_text(session_id)
    expect(page.locator("#review-transcript")).to_contain_text(SEED_ANSWERS[0][:40])
    choose(page, "override-criterion", f"{name} ({criterion})")
    score = page.locator("#override-score input[type=number]")
    score.fill("2")
    score.press("Tab")
    reason = "No lesson is named: the answer stops at the fix, which is worth a 2."
    field(page, "override-reason").fill(reason)
    page.locator("#override-save").click()
    expect(toasts(page).last).to_contain_text(f"Override saved: {criterion}")
    expect(field(page, "override-reason")).to_have_value("")

    figures = seeded.service.review.agreement()
    assert figures.ready and figures.overrides == MIN_OVERRIDES_FOR_AGREEMENT
    assert figures.exact is not None and figures.within_one is not None
    assert figures.spearman is not None
    expect(agreement).to_contain_text(
        f"over {MIN_OVERRIDES_FOR_AGREEMENT} overridden criteria (latest override of each): "
        f"exact {figures.exact:.0%} · within one point {figures.within_one:.0%} · "
        f"Spearman {figures.spearman:.2f}"
    )
    audit = page.locator("#review-audit")
    expect(audit).to_contain_text(reason)
    latest = seeded.service.review.audit()[-1]
    assert (latest.session_id, latest.criterion_id) == (session_id, criterion)
    assert (latest.after, latest.reason, latest.coach) == (2.0, reason, COACH)
    dismiss_toasts(page)
    screenshot(page, "coach-review")


# -- 5. one candidate cannot see another's sessions -----------------------------------------------
def test_a_candidate_cannot_see_or_open_another_candidates_session(
    new_candidate: Callable[[], Page], running: Running
) -> None:
    first = new_candidate()
    secret = "Our Vault cluster at Tallinn Freight rotated 14,000 secrets an hour"
    start_interview(first, role="Security engineer")
    send_answer(first, f"{secret}; I owned the rotation job and cut failures to zero.")
    session_id = session_with(running.seeded.service, secret)

    second = new_candidate()
    assert first.locator("#who").inner_text() != second.locator("#who").inner_text()
    expect(second.locator("#resume-banner")).to_be_hidden()
    tab(second, "History")
    expect(second.locator("#history-empty")).to_be_visible()
    expect(second.locator("#history-table")).not_to_contain_text("Security engineer")

    def refused(button: str) -> None:
        second.locator(f"#{button}").click()
        expect(toasts(second).last).to_contain_text(
            re.compile(
                "|".join(
                    re.escape(m)
                    for m in (NO_SESSION, "Choose a session first", "not in the list of choices")
                )
            )
        )
        dismiss_toasts(second)
        expect(second.get_by_text(secret)).to_have_count(0)
        expect(second.locator("#history-transcript .turn")).to_have_count(0)
        expect(user_messages(second)).to_have_count(0)

    # typing the other candidate's session id where a session is chosen
    box = second.locator("#history-session input")
    box.fill(session_id)
    box.press("Enter")
    refused("reopen")
    box.fill(session_id)
    box.press("Enter")
    refused("resume-session")

    # and sending it anyway, in the page's own open/resume requests
    indexes = {event_index(second, "reopen"), event_index(second, "resume-session")}

    def with_their_id(route: Route) -> None:
        body = route.request.post_data_json
        if isinstance(body, dict) and body.get("fn_index") in indexes:
            body["data"][0] = session_id
            route.continue_(post_data=json.dumps(body))
        else:
            route.continue_()

    second.route("**/queue/join*", with_their_id)
    refused("reopen")
    refused("resume-session")
    second.unroute("**/queue/join*")
    expect(second.get_by_role("tab", name="History", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )

    # the first candidate still has it: the id was real
    tab(first, "History")
    expect(first.locator("#history-table")).to_contain_text("Security engineer")
    choose(first, "history-session", re.compile(r"in progress$"))
    first.locator("#reopen").click()
    expect(first.locator("#history-transcript")).to_contain_text(secret)


# -- drill ----------------------------------------------------------------------------------------
def test_drill_scores_one_answer_with_its_follow_up(new_candidate: Callable[[], Page]) -> None:
    page = new_candidate()
    tab(page, "Drill")
    choose(page, "drill-topic", "caching")
    page.locator("#drill-start").click()
    expect(page.locator("#drill-note")).to_contain_text("caching")
    expect(bot_messages(page, "drill-chat")).to_have_count(1)
    expect(bot_messages(page, "drill-chat").first).to_contain_text("cach")
    first = (
        "We put a read-through Redis cache in front of the pricing service; I chose a 60 s TTL "
        "plus explicit invalidation on price updates because stale prices cost money. Hit rate "
        "reached 94% and p99 fell from 450 ms to 40 ms."
    )
    send_answer(page, first, "drill-chat", "drill-answer", "drill-send")
    probe = bot_messages(page, "drill-chat").last.inner_text()
    assert any(q.strip() in first for q in QUOTED.findall(probe)), probe
    field(page, "drill-answer").fill(
        "The trade-off was consistency: write-through would have doubled write latency, so we "
        "accepted 60 s staleness for catalogue data but never for cart totals. Next time I would "
        "add jitter to the TTLs from day one; we learned that from a thundering herd."
    )
    page.locator("#drill-send").click()
    expect(page.locator("#drill-score")).to_have_text(re.compile(r"\d\.\d / 5"), timeout=SLOW)
    expect(page.locator("#drill-answer")).to_be_hidden()
    chart = page.locator("#drill-chart")
    expect(chart.locator("svg g.mark-rect path").first).to_be_visible()
    for dimension in ("specificity", "ownership", "reasoning"):
        expect(chart).to_contain_text(dimension)
    scroll_to_top(page, "drill-chat")  # the picture shows the question, not only the last answer
    page.wait_for_timeout(300)
    screenshot(page, "drill")
