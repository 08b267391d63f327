"""The compiled question bank: validated questions in SQLite, rebuilt only for files that changed.

Parsing YAML is the slow part of a large bank (the pure-Python loader takes about 10 s per
10,000 questions), so each question file is parsed once (with the C loader where PyYAML has
it), validated, and kept as JSON rows keyed by the file's content hash. Later runs compare each
file's size and modification time with the recorded ones, re-read only the files that changed,
and look questions up by id on demand: start-up costs the same at 100,000 questions as at 1,000.

The cache is ``<home>/cache/bank-<content dir hash>.sqlite``; deleting it is always safe. Without
a cache folder (tests) it lives in memory.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import DataFileError
from .models import Question

# Bump when the stored row format or the Question model changes meaning: old caches rebuild.
FORMAT = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, digest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, file TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_order ON questions (file, seq);
CREATE INDEX IF NOT EXISTS questions_kind ON questions (kind, file, seq);
CREATE TABLE IF NOT EXISTS topics (topic TEXT NOT NULL, question TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS topics_topic ON topics (topic);
"""


@dataclass(frozen=True)
class SyncReport:
    """What a sync did: files parsed again, files dropped, questions now in the bank."""

    parsed: int
    removed: int
    questions: int


_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The C loader where PyYAML has it, refusing a key given twice in one mapping (YAML
    keeps the last one silently, which loses the first: a repeated ``expect:`` block, a
    second ``text:`` on a question)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def strict_loader() -> type[yaml.SafeLoader]:
    """The YAML loader for content and case files (see ``_StrictLoader``)."""
    return _StrictLoader


def _loader() -> type[yaml.SafeLoader]:
    return _StrictLoader


class CompiledQuestions:
    """Validated questions of one content folder, in SQLite. Thread-safe.

    ``sync`` brings the rows in line with the YAML files (raising DataFileError naming the file
    and field of the first problem, with nothing half-written); lookups never parse YAML.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        target = ":memory:"
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            target = str(path)
        # One connection shared by threads, serialised by a lock: lookups are microseconds.
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        with self._lock:
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a sync
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if row is None or row[0] != FORMAT:
                self._db.executescript(
                    "DELETE FROM files; DELETE FROM questions; DELETE FROM topics;"
                )
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))

    # ------------------------------------------------------------------------------ sync

    def sync(self, files: Sequence[Path], validate: Any) -> SyncReport:
        """Re-read the files whose size or modification time changed; drop rows of files that
        are gone. ``validate(path, raw) -> list[Question]`` validates one parsed file."""
        with self._lock:
            known = {
                row[0]: (row[1], row[2], row[3])
                for row in self._db.execute("SELECT path, size, mtime_ns, digest FROM files")
            }
            wanted = {str(p): p for p in files}
            stale = [name for name in known if name not in wanted]
            changed: list[tuple[Path, int, int]] = []
            for name, p in wanted.items():
                st = p.stat()
                old = known.get(name)
                if old is None or old[0] != st.st_size or old[1] != st.st_mtime_ns:
                    changed.append((p, st.st_size, st.st_mtime_ns))
            if not stale and not changed:
                return SyncReport(0, 0, self.count())
            parsed: list[tuple[Path, int, int, str, list[Question]]] = []
            for p, size, mtime in changed:
                data = p.read_bytes()
                digest = hashlib.blake2b(data, digest_size=16).hexdigest()
                old = known.get(str(p))
                if old is not None and old[2] == digest:
                    parsed.append((p, size, mtime, digest, []))  # touched, not changed
                    continue
                parsed.append((p, size, mtime, digest, validate(p, _parse(p, data))))
            self._write(stale, parsed)
            return SyncReport(sum(1 for *_, qs in parsed if qs), len(stale), self.count())

    def _write(
        self, stale: list[str], parsed: list[tuple[Path, int, int, str, list[Question]]]
    ) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for name in stale:
                self._drop(name)
            for p, size, mtime, digest, questions in parsed:
                name = str(p)
                if questions or not self._has_rows(name, digest):
                    self._drop(name)
                    for seq, q in enumerate(questions):
                        clash = db.execute(
                            "SELECT file FROM questions WHERE id = ?", (q.id,)
                        ).fetchone()
                        if clash is not None:
                            raise DataFileError(
                                f"{p}: field id: duplicate question id {q.id!r} (also in "
                                f"{clash[0]})"
                            )
                        body = q.model_dump_json(exclude={"personas"})
                        db.execute(
                            "INSERT INTO questions VALUES (?, ?, ?, ?, ?)",
                            (q.id, name, seq, q.kind, body),
                        )
                        db.executemany(
                            "INSERT INTO topics VALUES (?, ?)", [(t, q.id) for t in q.topics]
                        )
                db.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (name, size, mtime, digest)
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _has_rows(self, name: str, digest: str) -> bool:
        row = self._db.execute("SELECT digest FROM files WHERE path = ?", (name,)).fetchone()
        return row is not None and row[0] == digest

    def _drop(self, name: str) -> None:
        self._db.execute(
            "DELETE FROM topics WHERE question IN (SELECT id FROM questions WHERE file = ?)",
            (name,),
        )
        self._db.execute("DELETE FROM questions WHERE file = ?", (name,))
        self._db.execute("DELETE FROM files WHERE path = ?", (name,))

    # ------------------------------------------------------------------------------ reads

    def revision(self) -> str:
        """A hash of every file's content hash: changes whenever any question changes."""
        with self._lock:
            rows = self._db.execute("SELECT path, digest FROM files ORDER BY path").fetchall()
        return hashlib.blake2b(json.dumps(rows).encode(), digest_size=16).hexdigest()

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM questions").fetchone()[0])

    def body(self, question_id: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM questions WHERE id = ?", (question_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def ids(self, kinds: Sequence[str] | None = None) -> list[str]:
        """Question ids in bank order (file name, then position in the file)."""
        with self._lock:
            if kinds is None:
                rows = self._db.execute("SELECT id FROM questions ORDER BY file, seq").fetchall()
            else:
                marks = ",".join("?" * len(kinds))
                rows = self._db.execute(
                    f"SELECT id FROM questions WHERE kind IN ({marks}) ORDER BY file, seq",
                    tuple(kinds),
                ).fetchall()
        return [r[0] for r in rows]

    def bodies(self, kinds: Sequence[str] | None = None) -> Iterator[str]:
        """Every question's JSON in bank order, streamed in pages (the whole bank never sits
        in one result)."""
        last: tuple[str, int] = ("", -1)
        where = ""
        params: tuple[Any, ...] = ()
        if kinds is not None:
            where = f"kind IN ({','.join('?' * len(kinds))}) AND "
            params = tuple(kinds)
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT file, seq, body FROM questions WHERE {where}(file, seq) > (?, ?) "
                    "ORDER BY file, seq LIMIT 2000",
                    (*params, *last),
                ).fetchall()
            if not rows:
                return
            for _, _, body in rows:
                yield str(body)
            last = (rows[-1][0], rows[-1][1])

    def texts(self, at_most: int | None = None) -> list[str]:
        """Question texts in bank order; with ``at_most``, an evenly spaced sample of that many
        (read straight from the stored JSON: no question is parsed)."""
        total = self.count()
        stride = 1 if at_most is None or total <= at_most else -(-total // at_most)
        with self._lock:
            rows = self._db.execute(
                "SELECT text FROM (SELECT json_extract(body, '$.text') AS text, "
                "ROW_NUMBER() OVER (ORDER BY file, seq) - 1 AS n FROM questions) "
                "WHERE n % ? = 0 ORDER BY n",
                (stride,),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def summaries_json(self, kinds: Sequence[str] | None = None) -> Iterator[tuple[str, str]]:
        """(kind, JSON object of id, text, kind, topics, levels) per question in bank order,
        built by SQLite's JSON functions: listing 100,000 questions parses none in Python."""
        where = f"WHERE kind IN ({','.join('?' * len(kinds))}) " if kinds is not None else ""
        sql = (
            "SELECT kind, json_object('id', id, 'text', json_extract(body, '$.text'), "
            "'kind', kind, 'topics', json_extract(body, '$.topics'), "
            f"'levels', json_extract(body, '$.levels')) FROM questions {where}ORDER BY file, seq"
        )
        with self._lock:
            rows = self._db.execute(sql, tuple(kinds or ())).fetchall()
        for kind, text in rows:
            yield str(kind), str(text)

    def topic_counts(self) -> dict[str, int]:
        """How many questions carry each topic tag."""
        with self._lock:
            rows = self._db.execute("SELECT topic, COUNT(*) FROM topics GROUP BY topic").fetchall()
        return {str(t): int(n) for t, n in rows}

    def topics(self) -> list[str]:
        """Every distinct topic tag in the bank, sorted."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT topic FROM topics ORDER BY topic").fetchall()
        return [r[0] for r in rows]

    def with_topics(
        self, topics: Sequence[str], kinds: Sequence[str] | None = None, limit: int = 50
    ) -> list[str]:
        """Ids of up to ``limit`` questions tagged with any of ``topics`` (optionally of these
        kinds), in bank order."""
        if not topics:
            return []
        sql = (
            "SELECT DISTINCT q.id, q.file, q.seq FROM topics t JOIN questions q ON q.id = t.question "
            f"WHERE t.topic IN ({','.join('?' * len(topics))})"
        )
        params: list[Any] = list(topics)
        if kinds is not None:
            sql += f" AND q.kind IN ({','.join('?' * len(kinds))})"
            params += list(kinds)
        sql += " ORDER BY q.file, q.seq LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*params, limit)).fetchall()
        return [r[0] for r in rows]


def _parse(path: Path, data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: cannot read file ({exc})") from exc
    try:
        return yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML ({yaml_problem(exc)})") from exc


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error as "what, at line L, column C" (PyYAML's text names "<unicode string>")."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else problem


def cache_file(cache_dir: Path, content_dir: Path) -> Path:
    """The cache of one content folder (several checkouts may share a home)."""
    key = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"bank-{key}.sqlite"


def question_from_json(body: str, owners: Mapping[str, list[str]]) -> Question:
    """A cached question with the personas that ask its kind (``owners``: kind -> personas)."""
    data = json.loads(body)
    data["personas"] = list(owners.get(data.get("kind", ""), []))
    try:
        return Question.model_validate(data)
    except ValidationError as exc:  # a cache written by another version: rebuild it
        raise DataFileError(f"the compiled bank cache is stale ({exc}); delete it") from exc
