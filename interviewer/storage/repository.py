"""Sessions, turns and scorecards in the database: the only code that writes SQL.

Every method is one short transaction. Turns are append-only and numbered; an append whose
sequence numbers are already taken raises ``SessionConflict`` instead of overwriting.
Owner checks live here too: reading or changing a session through another owner's id is
"not found", exactly as for an id that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Engine, RowMapping

from .. import __version__
from ..errors import NotFoundError, SessionConflict, StorageError
from ..models import TRANSCRIPT_SCHEMA_VERSION, Plan, SessionInfo, Turn
from ..scoring.scorecard import Scorecard
from .tables import scorecards, sessions, turns

MIN_PREFIX = 6  # shortest id prefix accepted on the command line


def now() -> datetime:
    return datetime.now(UTC)


class SessionRepository:
    """Reads and writes sessions through one SQLAlchemy engine (thread-safe)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- sessions -------------------------------------------------------------------------------
    def create(self, session_id: str, owner: str, plan: Plan, at: datetime | None = None) -> None:
        at = at or now()
        with self.engine.begin() as c:
            c.execute(
                sessions.insert().values(
                    id=session_id,
                    owner=owner,
                    persona=plan.persona,
                    role=plan.role,
                    level=plan.level,
                    mode=plan.mode,
                    plan=plan.model_dump(mode="json"),
                    status="active",
                    ended_by=None,
                    answers=0,
                    transcript_schema=TRANSCRIPT_SCHEMA_VERSION,
                    engine_version=__version__,
                    created_at=at,
                    updated_at=at,
                )
            )

    def info(self, session_id: str, owner: str | None = None) -> SessionInfo:
        """The session's summary; NotFoundError if it does not exist or is not ``owner``'s."""
        with self.engine.connect() as c:
            row = (
                c.execute(sa.select(sessions).where(sessions.c.id == session_id)).mappings().first()
            )
            if row is None or (owner is not None and row["owner"] != owner):
                raise NotFoundError(f"no session {session_id!r}")
            overall = self._latest_overall(c, [session_id]).get(session_id)
        return _info(row, overall)

    def plan(self, session_id: str) -> Plan:
        with self.engine.connect() as c:
            raw = c.execute(sa.select(sessions.c.plan).where(sessions.c.id == session_id)).scalar()
        if raw is None:
            raise NotFoundError(f"no session {session_id!r}")
        try:
            return Plan.model_validate(raw)
        except ValidationError as exc:
            raise StorageError(
                f"session {session_id}: stored plan is invalid: {_first(exc)}"
            ) from exc

    def list_sessions(self, owner: str | None, limit: int = 1000) -> list[SessionInfo]:
        """Sessions newest first; every owner's when ``owner`` is None (CLI on one's own home)."""
        query = sa.select(sessions).order_by(sessions.c.created_at.desc(), sessions.c.id)
        if owner is not None:
            query = query.where(sessions.c.owner == owner)
        with self.engine.connect() as c:
            rows = c.execute(query.limit(limit)).mappings().all()
            overall = self._latest_overall(c, [r["id"] for r in rows])
        return [_info(r, overall.get(r["id"])) for r in rows]

    def resolve(self, id_or_prefix: str, owner: str | None = None) -> str:
        """A full session id from an id or a unique prefix of at least MIN_PREFIX characters."""
        key = id_or_prefix.strip()
        query = sa.select(sessions.c.id, sessions.c.owner)
        with self.engine.connect() as c:
            exact = c.execute(query.where(sessions.c.id == key)).first()
            if exact is not None and (owner is None or exact.owner == owner):
                return str(exact.id)
            if len(key) < MIN_PREFIX:
                raise NotFoundError(
                    f"no session {key!r} (give the full id, or at least {MIN_PREFIX} characters)"
                )
            pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = c.execute(query.where(sessions.c.id.like(pattern, escape="\\")).limit(3)).all()
        rows = [r for r in rows if owner is None or r.owner == owner]
        if not rows:
            raise NotFoundError(f"no session {key!r}")
        if len(rows) > 1:
            raise NotFoundError(f"{key!r} matches several sessions; give more of the id")
        return str(rows[0].id)

    # -- turns ----------------------------------------------------------------------------------
    def append(
        self,
        session_id: str,
        first_seq: int,
        new_turns: Sequence[Turn],
        status: str | None = None,
        ended_by: str | None = None,
    ) -> None:
        """Append turns numbered from ``first_seq``; raises SessionConflict if that is taken."""
        if not new_turns and status is None:
            return
        at = now()
        answers = sum(1 for t in new_turns if t.role == "candidate" and t.kind == "answer")
        values: dict[str, Any] = {"updated_at": at, "answers": sessions.c.answers + answers}
        if status is not None:
            values["status"] = status
            values["ended_by"] = ended_by
        try:
            with self.engine.begin() as c:
                if new_turns:
                    c.execute(
                        turns.insert(),
                        [
                            {
                                "session_id": session_id,
                                "seq": first_seq + i,
                                "role": t.role,
                                "kind": t.kind,
                                "text": t.text,
                                "question_id": t.question_id,
                                "target": t.target,
                                "notes": list(t.notes),
                                "created_at": t.at or at,
                            }
                            for i, t in enumerate(new_turns)
                        ],
                    )
                c.execute(sessions.update().where(sessions.c.id == session_id).values(**values))
        except sa.exc.IntegrityError as exc:
            raise SessionConflict(
                f"session {session_id} changed elsewhere (turn {first_seq} already stored)"
            ) from exc

    def turns(self, session_id: str) -> list[Turn]:
        query = sa.select(turns).where(turns.c.session_id == session_id).order_by(turns.c.seq)
        with self.engine.connect() as c:
            rows = c.execute(query).mappings().all()
        out: list[Turn] = []
        for expected, row in enumerate(rows):
            if row["seq"] != expected:
                raise StorageError(f"session {session_id}: turn {expected} is missing")
            try:
                out.append(
                    Turn(
                        role=row["role"],
                        kind=row["kind"],
                        text=row["text"],
                        question_id=row["question_id"],
                        target=row["target"],
                        notes=list(row["notes"] or []),
                        at=utc(row["created_at"]),
                        seq=row["seq"],
                    )
                )
            except ValidationError as exc:
                raise StorageError(
                    f"session {session_id}, turn {row['seq']}: {_first(exc)}"
                ) from exc
        return out

    # -- scorecards -----------------------------------------------------------------------------
    def save_scorecard(self, session_id: str, card: Scorecard) -> int:
        """Store a new scorecard version for the session; returns its version number."""
        for _ in range(5):  # two writers may race for the next version number
            try:
                with self.engine.begin() as c:
                    latest = c.execute(
                        sa.select(sa.func.max(scorecards.c.version)).where(
                            scorecards.c.session_id == session_id
                        )
                    ).scalar()
                    version = int(latest or 0) + 1
                    c.execute(
                        scorecards.insert().values(
                            session_id=session_id,
                            version=version,
                            judge=card.judge,
                            engine_version=__version__,
                            data=card.model_dump(mode="json"),
                            created_at=now(),
                        )
                    )
                return version
            except sa.exc.IntegrityError:
                continue
        raise StorageError(f"session {session_id}: could not store the scorecard")

    def scorecard_version(self, session_id: str) -> int:
        """The latest scorecard version of a session (0 when it has none)."""
        query = sa.select(sa.func.max(scorecards.c.version)).where(
            scorecards.c.session_id == session_id
        )
        with self.engine.connect() as c:
            return int(c.execute(query).scalar() or 0)

    def latest_scorecard(self, session_id: str) -> Scorecard | None:
        query = (
            sa.select(scorecards.c.data)
            .where(scorecards.c.session_id == session_id)
            .order_by(scorecards.c.version.desc())
            .limit(1)
        )
        with self.engine.connect() as c:
            data = c.execute(query).scalar()
        if data is None:
            return None
        try:
            return Scorecard.model_validate(data)
        except ValidationError as exc:
            raise StorageError(
                f"session {session_id}: stored scorecard is invalid: {_first(exc)}"
            ) from exc

    @staticmethod
    def _latest_overall(c: sa.Connection, ids: list[str]) -> dict[str, float | None]:
        if not ids:
            return {}
        latest = (
            sa.select(scorecards.c.session_id, sa.func.max(scorecards.c.version).label("v"))
            .where(scorecards.c.session_id.in_(ids))
            .group_by(scorecards.c.session_id)
            .subquery()
        )
        query = sa.select(scorecards.c.session_id, scorecards.c.data).join(
            latest,
            sa.and_(
                scorecards.c.session_id == latest.c.session_id, scorecards.c.version == latest.c.v
            ),
        )
        return {row.session_id: (row.data or {}).get("overall") for row in c.execute(query)}


def _info(row: RowMapping, overall: float | None) -> SessionInfo:
    return SessionInfo(
        id=row["id"],
        owner=row["owner"],
        persona=row["persona"],
        role=row["role"],
        level=row["level"],
        mode=row["mode"],
        status=row["status"],
        ended_by=row["ended_by"],
        answers=row["answers"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
        overall=overall,
    )


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _first(exc: ValidationError) -> str:
    e = exc.errors()[0]
    return f"field {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
