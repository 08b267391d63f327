"""The app on servers: the question store on a Chroma server, sessions on PostgreSQL.

Both servers are started here, once per module, from what is installed: the ``chroma`` command
of the chromadb package, and Debian's PostgreSQL binaries (a throwaway cluster in a temp dir;
those tests are skipped, with the reason, when the binaries are missing or cannot start).
"""

from __future__ import annotations

import json
import os
import pwd
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
import sqlalchemy as sa
from app_process import free_port

from interviewer.bank import Bank
from interviewer.config import REPO_ROOT, Settings
from interviewer.errors import StorageError, StoreError
from interviewer.service import InterviewService
from interviewer.storage import open_engine
from interviewer.store import QuestionStore

HERE = Path(__file__).resolve().parent
PSYCOPG_MISSING = "the PostgreSQL driver is not installed: pip install 'psycopg[binary]'"
ANSWERS = [
    "At my last job I owned the billing service. I found a slow query on the invoices table, "
    "added an index, and p99 went from 900 ms to 120 ms.",
    "We made it faster.",
    "I disagreed with my lead about rewriting the sync job; I wrote a one-page comparison of the "
    "rewrite against fixing the two hot paths, we fixed the hot paths, and the job went from "
    "40 minutes to 6. Next time I would write the comparison before arguing.",
    "I mentored two new engineers: weekly pairing, a checklist for their first on-call shift, "
    "and after three months both led incident reviews on their own.",
]


def _env(**settings: str) -> dict[str, str]:
    """This process's environment without any INTERVIEWER_* variable, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(settings)
    return env


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for this module's interviews: with sessions and the store on servers an
    app uses it only for caches and the secret, and sharing it embeds the answer reader's
    references (about 5 s) once for the module."""
    return tmp_path_factory.mktemp("home")


# --------------------------------------------------------------------------- Chroma server


@dataclass
class Chroma:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_chroma(folder: Path, timeout: float = 60) -> Chroma:
    """``chroma run`` on a free port, storing in ``folder``; returns once it answers."""
    exe = Path(sys.executable).parent / "chroma"
    command = str(exe) if exe.exists() else shutil.which("chroma")
    if command is None:
        pytest.fail("the `chroma` command of the chromadb package is not installed")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "chroma.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [command, "run", "--path", str(folder / "data"), "--host", "127.0.0.1"]
            + ["--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    server = Chroma(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Chroma server exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(server.url + "/api/v2/heartbeat", timeout=2):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    pytest.fail(f"the Chroma server did not answer within {timeout:.0f} s")


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chroma]:
    server = start_chroma(tmp_path_factory.mktemp("chroma"))
    yield server
    server.stop()


# --------------------------------------------------------------------------- PostgreSQL


@dataclass
class Postgres:
    bin: Path
    folder: Path
    port: int
    as_user: list[str]  # runuser prefix when we are root (initdb and postgres refuse root)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database in the cluster; its URL."""
        name = f"iv_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        return self.url(name)

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data")]
        return subprocess.run([*command, *args], capture_output=True, text=True, timeout=90)


def _postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL bin folder with initdb, or None."""
    found = [Path(p) for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    version = lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0  # noqa: E731
    return max(found, key=version, default=None)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """A throwaway cluster: initdb into a temp dir, started on a free port, stopped after."""
    pytest.importorskip("psycopg", reason=PSYCOPG_MISSING)
    pg_bin = _postgres_bin()
    if pg_bin is None:
        pytest.skip(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
            "apt-get install -y postgresql"
        )
    as_user: list[str] = []
    # not under pytest's tmp_path: its parents are private to root, and the cluster's owner
    # must be able to reach the folder
    folder = Path(tempfile.mkdtemp(prefix="iv-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root: run the cluster as `nobody`
        runuser = shutil.which("runuser")
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            nobody = None
        if runuser is None or nobody is None:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip("running as root, and there is no `nobody` user or no runuser")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        as_user = [runuser, "-u", "nobody", "--"]
    server = Postgres(pg_bin, folder, free_port(), as_user)
    try:
        initdb = subprocess.run(
            [*as_user, str(pg_bin / "initdb"), "-D", str(folder / "data"), "-U", "postgres"]
            + ["--auth=trust", "-E", "UTF8", "--no-sync"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if initdb.returncode != 0:
            pytest.skip(f"initdb failed, so PostgreSQL cannot start: {initdb.stderr[-500:]}")
        options = (
            f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        start = server.pg_ctl("-l", str(folder / "log"), "-w", "-t", "60", "-o", options, "start")
        if start.returncode != 0:
            log = (folder / "log").read_text(errors="replace")[-800:]
            pytest.skip(f"PostgreSQL did not start: {start.stderr.strip()} {log}")
        yield server
    finally:
        if (folder / "data" / "postmaster.pid").exists():
            server.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- app processes


class Worker:
    """One long-running app process (tests/server_worker.py), driven by JSON lines."""

    def __init__(self, home: Path, name: str, **settings: str) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / f"worker-{name}.log"
        with open(self.log, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(HERE / "server_worker.py")],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                cwd=REPO_ROOT,
                env=_env(INTERVIEWER_HOME=str(home), **settings),
            )

    @property
    def _stdin(self) -> IO[str]:
        assert self.process.stdin is not None
        return self.process.stdin

    @property
    def _stdout(self) -> IO[str]:
        assert self.process.stdout is not None
        return self.process.stdout

    def send(self, **command: Any) -> None:
        self._stdin.write(json.dumps(command) + "\n")
        self._stdin.flush()

    def receive(self, timeout: float = 120) -> dict[str, Any]:
        ready, _, _ = select.select([self._stdout], [], [], timeout)
        line = self._stdout.readline() if ready else ""
        if not line:
            self.close()
            raise AssertionError(
                f"the worker gave no answer:\n{self.log.read_text(errors='replace')}"
            )
        out: dict[str, Any] = json.loads(line)
        assert "error" not in out, out["error"]
        return out

    def call(self, **command: Any) -> dict[str, Any]:
        self.send(**command)
        return self.receive()

    def close(self) -> None:
        if self.process.poll() is None:
            self._stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _turns(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turns without their timestamps, for comparing two sessions."""
    return [{k: v for k, v in t.items() if k != "at"} for t in turns]


# --------------------------------------------------------------------------- tests: Chroma


def test_the_bank_on_a_chroma_server_is_shared_and_searched_like_a_local_store(
    chroma: Chroma, bank: Bank, tmp_path: Path
) -> None:
    n = len(bank.questions)
    first = InterviewService(Settings(home=tmp_path / "a", chroma_url=chroma.url, embedder="hash"))
    report = first.ingest(progress=False)
    assert report.questions.added + report.questions.unchanged == n
    assert report.criteria.added + report.criteria.unchanged > 0
    store = first.open_store()
    assert store.url == chroma.url and store.count() == n
    assert not (tmp_path / "a" / "chroma").exists()  # nothing kept locally

    # what a local store of the same bank finds, the server finds
    local = QuestionStore(None, embedder_name="hash")
    local.ingest(list(bank.questions.values()), list(bank.rubrics.values()), progress=False)
    some = list(bank.questions.values())[:: max(1, n // 3)][:3]
    for question in some:
        hits = store.search(question.text, k=3)
        assert hits[0].id == question.id
        assert [h.id for h in hits] == [h.id for h in local.search(question.text, k=3)]
    assert [h.id for h in store.search("ownership of an outage", k=3, kind="behavioural")] == [
        h.id for h in local.search("ownership of an outage", k=3, kind="behavioural")
    ]
    assert store.search_criteria("trade-offs", k=2)

    # another machine (its own home) finds the server filled and embeds nothing
    other = InterviewService(Settings(home=tmp_path / "b", chroma_url=chroma.url, embedder="hash"))
    again = other.ingest(progress=False)
    assert again.total.embedded == 0 and again.questions.unchanged == n


def test_processes_starting_together_on_a_fresh_chroma_server_fill_it_once(
    bank: Bank, tmp_path: Path
) -> None:
    server = start_chroma(tmp_path / "fresh")
    try:
        settings = {"INTERVIEWER_CHROMA_URL": server.url, "INTERVIEWER_EMBEDDER": "hash"}

        def ingest(home: Path) -> subprocess.Popen[str]:
            return subprocess.Popen(
                [sys.executable, "-m", "interviewer", "ingest", "--quiet"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=REPO_ROOT,
                env=_env(INTERVIEWER_HOME=str(home), **settings),
            )

        # two processes of one machine (one home) and one of another machine, all at once
        racers = [ingest(tmp_path / "one"), ingest(tmp_path / "one"), ingest(tmp_path / "two")]
        results = [p.communicate(timeout=120) for p in racers]
        added = []
        for p, (out, err) in zip(racers, results, strict=True):
            assert p.returncode == 0 and "Traceback" not in err, err
            found = re.search(r"questions: (\d+) added", out)
            assert found, out
            added.append(int(found.group(1)))
        assert min(added[:2]) == 0  # one machine's processes wait for each other: one fills it
        service = InterviewService(
            Settings(home=tmp_path / "check", chroma_url=server.url, embedder="hash")
        )
        report = service.ingest(progress=False)
        assert report.total.embedded == 0 and service.open_store().count() == len(bank.questions)
    finally:
        server.stop()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("127.0.0.1:8000", "is not a server URL"),
        ("ftp://127.0.0.1:8000", "is not a server URL"),
        ("http://127.0.0.1:port", "is not a URL"),
        ("http://127.0.0.1:8000/chroma", "has a path"),
        ("http://admin:hunter2@127.0.0.1:8000", "authentication is not supported"),
    ],
)
def test_a_malformed_chroma_url_says_what_it_should_look_like(
    url: str, expected: str, tmp_path: Path
) -> None:
    service = InterviewService(Settings(home=tmp_path, chroma_url=url, embedder="hash"))
    with pytest.raises(StoreError, match=expected) as caught:
        service.open_store()
    assert "INTERVIEWER_CHROMA_URL" in str(caught.value)
    assert "http://HOST:PORT" in str(caught.value)
    assert "hunter2" not in str(caught.value)  # a password is never echoed


def test_a_chroma_server_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    service = InterviewService(Settings(home=tmp_path, chroma_url=url, embedder="hash"))
    with pytest.raises(StoreError) as caught:
        service.open_store()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"cannot reach the Chroma server at {url} (INTERVIEWER_CHROMA_URL)")


# --------------------------------------------------------------------------- tests: PostgreSQL


def test_a_database_that_cannot_be_reached_is_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    pytest.importorskip("psycopg", reason=PSYCOPG_MISSING)
    url = f"postgresql+psycopg://iv:s3cret@127.0.0.1:{free_port()}/iv"
    with pytest.raises(StorageError) as caught:
        open_engine(url)
    message = str(caught.value)
    assert "\n" not in message and "s3cret" not in message
    assert "(INTERVIEWER_DATABASE_URL)" in message and "refused" in message.lower()

    shown = subprocess.run(  # what the command line prints: that line, no traceback
        [sys.executable, "-m", "interviewer", "transcripts"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=_env(INTERVIEWER_HOME=str(tmp_path), INTERVIEWER_DATABASE_URL=url),
        timeout=120,
    )
    assert shown.returncode == 1
    assert shown.stderr.strip().splitlines() == [f"error: {message}"]


def test_a_missing_postgresql_driver_names_the_one_to_use() -> None:
    with pytest.raises(StorageError, match=r"postgresql\+psycopg://"):
        open_engine("postgresql+psycopg2://iv@127.0.0.1:1/iv")


def test_postgres_migrates_once_and_keeps_a_whole_interview(postgres: Postgres, home: Path) -> None:
    url = postgres.new_database()
    with ThreadPoolExecutor(4) as pool:  # replicas starting together: one migrates
        engines = list(pool.map(lambda _: open_engine(url), range(4)))
    inspector = sa.inspect(engines[0])
    assert {"sessions", "turns", "scorecards", "overrides", "comments"} <= set(
        inspector.get_table_names()
    )
    with engines[0].connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    for engine in engines:
        engine.dispose()

    settings = Settings(home=home, database_url=url, embedder="hash")
    transcript, card = InterviewService(settings).simulate(ANSWERS, persona="behavioural")
    answers = [t.text for t in transcript.turns if t.role == "candidate" and t.kind == "answer"]
    assert answers == ANSWERS[: len(answers)] and len(answers) >= 3

    replica = InterviewService(settings)  # another process on the same database
    assert replica.get(transcript.id) == transcript
    (info,) = replica.list_sessions()
    assert info.status == "finished" and info.answers == len(answers)
    assert info.overall == card.overall
    assert replica.scorecard(transcript.id) == card
    assert not (home / "interviewer.db").exists()  # nothing went to the default SQLite file


# --------------------------------------------------------------------------- tests: both


def test_two_app_processes_serve_one_session_alternately_without_loss(
    postgres: Postgres, chroma: Chroma, home: Path
) -> None:
    url = postgres.new_database()
    # the interview uninterrupted, in one process: what the two processes must reproduce
    alone = InterviewService(
        Settings(home=home, database_url=url, chroma_url=chroma.url, embedder="hash")
    )
    ref_id, ref_first = alone.start(persona="behavioural")
    ref_replies = [alone.reply(ref_id, answer) for answer in ANSWERS]
    reference = alone.get(ref_id).model_dump(mode="json")
    assert reference["turns"][-1]["role"] == "interviewer"  # it goes on: a next question

    # two replicas sharing the two servers (and the data folder, used only for caches here)
    settings = {
        "INTERVIEWER_DATABASE_URL": url,
        "INTERVIEWER_CHROMA_URL": chroma.url,
        "INTERVIEWER_EMBEDDER": "hash",
    }
    a, b = Worker(home, "a", **settings), Worker(home, "b", **settings)
    try:
        a.send(op="open")  # both start together: open the database and the store
        b.send(op="open")
        assert a.receive() == b.receive()

        started = a.call(op="start", persona="behavioural")
        session_id = started["session_id"]
        replies = []
        for i, answer in enumerate(ANSWERS):  # A answers, then B, then A again...
            worker = (a, b)[i % 2]
            replies.append(worker.call(op="reply", session_id=session_id, text=answer)["turns"])
        stored = b.call(op="get", session_id=session_id)
    finally:
        a.close()
        b.close()

    assert [t["text"] for t in started["turns"]] == [t.text for t in ref_first]
    for got, expected in zip(replies, ref_replies, strict=True):
        assert [t["text"] for t in got] == [t.text for t in expected]
    answers = [t["text"] for t in stored["turns"] if t["role"] == "candidate"]
    assert answers == ANSWERS  # every answer, in order, once
    assert _turns(stored["turns"]) == _turns(reference["turns"])
    last = stored["turns"][-1]
    assert last["role"] == "interviewer" and last["text"] == reference["turns"][-1]["text"]
    assert alone.info(session_id).status == "active"
