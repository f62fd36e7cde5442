"""The journal: rows a session leaves, a file that refuses to be something else, retention, nothing personal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.journal.record import JournalEvent, age_band
from seniormode.journal.recorder import SessionRecorder, error_kind
from seniormode.journal.schema import APPLICATION_ID, SCHEMA_VERSION, JournalError, open_for_reading
from seniormode.journal.version import flow_version
from seniormode.journal.writer import JournalWriter, Retention

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
RENEWAL = ROOT / "flows_yaml" / "hk_macau_renewal.yaml"


class FakeClock:
    """Simulated seconds, so 'milliseconds since the step was shown' is exact."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def walk(events: list[Event], inputs: dict[str, object] | None = None, card: dict[str, object] | None = None,
         ) -> tuple[list[JournalEvent], Session]:
    flow = load_flow_or_raise(RENEWAL)
    session = Session(flow, inputs or {})
    rows: list[JournalEvent] = []
    clock = FakeClock()
    recorder = SessionRecorder(session, rows.append, kiosk="k1", version="v1", clock=clock)
    recorder.started(session.start())
    for event in events:
        clock.now += 2.5
        if event.kind == "card" and card is not None:
            event = Event("card", card)
        recorder.handled(event, session.handle(event))
    recorder.close()
    return rows, session


def kinds(rows: list[JournalEvent]) -> list[tuple[str, str, str]]:
    return [(r.step, r.kind, r.detail) for r in rows]


def test_a_walk_leaves_one_row_per_thing_that_happened() -> None:
    rows, _ = walk([Event("ok"), Event("card"), Event("repeat"), Event("bigger"), Event("choose", "normal"),
                    Event("help"), Event("back"), Event("choose", "normal"), Event("staff"), Event("ok")])
    assert kinds(rows) == [
        ("welcome", "step_shown", ""),
        ("welcome", "step_left", "answer"),
        ("read_card", "step_shown", ""),
        ("read_card", "step_left", "answer"),
        ("purpose", "step_shown", ""),
        ("purpose", "repeat", ""),
        ("purpose", "bigger", ""),
        ("purpose", "step_left", "answer"),
        ("destination", "step_shown", ""),
        ("destination", "help", ""),
        ("destination", "step_left", "back"),
        ("purpose", "step_shown", ""),
        ("purpose", "step_left", "answer"),
        ("destination", "step_shown", ""),
        ("destination", "step_left", "call_staff"),
        ("staff_window", "step_shown", ""),
        ("staff_window", "handoff", rows[-2].detail),
        ("staff_window", "session_end", "handed_off"),
    ]
    assert [r.seq for r in rows] == list(range(len(rows)))
    assert len({r.session for r in rows}) == 1
    assert rows[6].text_scale > rows[5].text_scale  # the row after 大字 carries the bigger text in force
    assert rows[3].ms == 2500  # left read_card 2.5 s after it was shown


def test_a_time_out_ends_the_session_and_the_next_applicant_gets_a_new_id() -> None:
    rows, _ = walk([Event("ok"), Event("card"), Event("tick", 200), Event("tick", 100), Event("tick", 500),
                    Event("ok")], card={"age": 82})
    ends = [r for r in rows if r.kind == "session_end"]
    assert ends[0].detail == "abandoned"
    assert ("purpose", "timeout_warning", "") in kinds(rows)
    assert ("purpose", "step_left", "timeout_reset") in kinds(rows)
    first, second = rows[0].session, rows[-1].session
    assert first != second
    # The leaving applicant's rows keep their age band; the next one's are unknown until a card is read.
    leaving = [r for r in rows if r.session == first and r.step == "purpose"]
    assert {r.age_band for r in leaving} == {"80+"}
    second_rows = [r for r in rows if r.session == second]
    assert [(r.seq, r.step, r.kind) for r in second_rows[:2]] == [(0, "welcome", "step_shown"),
                                                                  (1, "welcome", "step_left")]
    assert {r.age_band for r in second_rows} == {"unknown"}
    # The welcome screen waiting through a time-out before anyone touched it is no session at all.
    assert len({r.session for r in rows}) == 2


def test_a_completed_walk_ends_completed_once() -> None:
    events = [Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau"),
              Event("choose", "family"), Event("choose", "reuse"), Event("ok"), Event("yes"), Event("device_ok"),
              Event("device_ok"), Event("choose", "very_unsatisfied"), Event("choose", "waited_too_long"), Event("ok")]
    rows, session = walk(events)
    assert [(r.kind, r.detail) for r in rows if r.kind in ("feedback", "hard")] == [("feedback", "1"),
                                                                                  ("hard", "waited_too_long")]
    # Only the step the flow marks `record_answer: yes` (destination) has its answer in the journal.
    assert [(r.step, r.detail) for r in rows if r.kind == "answer"] == [("destination", "macau")]
    assert session.status == "finished"
    assert [r.detail for r in rows if r.kind == "session_end"] == ["completed"]


def test_entry_errors_name_the_field_and_kind_never_the_value() -> None:
    assert error_kind("kiosk/too_long") == "too_long"
    assert error_kind("kiosk/number_unreadable") == "number_unreadable"
    assert error_kind("home_visit/phone/error") == "invalid"


def test_age_bands() -> None:
    assert [age_band(a) for a in (None, 59, 60, 69.9, 70, 79, 80, 104, True, "76")] == [
        "unknown", "under 60", "60-69", "60-69", "70-79", "70-79", "80+", "80+", "unknown", "unknown"]


def event(seq: int, session: str = "s1", at: str = "2026-12-03T10:00:00Z") -> JournalEvent:
    return JournalEvent("k1", "f", "v", session, seq, at, "welcome", "step_shown", "", 0, 1.0, 170, "zh_Hans_CN",
                        "zh_Hans_CN", "standard", "70-79")


def test_writer_commits_in_order_and_a_repeat_is_not_written_twice(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with JournalWriter(path) as writer:
        for seq in range(50):
            writer.write(event(seq))
        writer.write(event(3))  # at-least-once delivery upstream: the same (kiosk, session, seq) again
        assert writer.flush()
    conn = open_for_reading(path)
    assert [r[0] for r in conn.execute("SELECT seq FROM events ORDER BY id")] == list(range(50))
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert path.read_bytes()[18:20] == b"\x02\x02"  # the header says WAL: readers never block the writer
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite"]  # reading left no -shm, no -wal


def test_retention_forgets_old_days_then_keeps_under_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with JournalWriter(path) as writer:
        writer.write(event(0, "old", at="2001-01-01T00:00:00Z"))
        for seq in range(3000):
            writer.write(event(seq, "big", at=f"2099-01-{1 + seq // 1000:02d}T00:00:00Z"))
        writer.flush()
    with JournalWriter(path, Retention(days=30, max_bytes=100_000)) as writer:
        writer.flush()
    conn = open_for_reading(path)
    assert conn.execute("SELECT count(*) FROM events WHERE session = 'old'").fetchone()[0] == 0
    remaining = conn.execute("SELECT min(at), count(*) FROM events").fetchone()
    assert remaining[1] < 3000 and remaining[0] > "2099-01-01"  # the oldest day went first
    assert path.stat().st_size <= 200_000


@pytest.mark.parametrize("content, says", [
    (b"", "empty file"),
    (b"name,age\nWang,76\n", "not an SQLite file"),
    (b"SQLite format 3\x00" + b"\x10\x00" + b"\x00" * 80, "not a readable journal"),
])
def test_a_file_that_is_not_a_journal_is_refused_in_words(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "j.sqlite"
    path.write_bytes(content)
    with pytest.raises(JournalError, match=says):
        open_for_reading(path)


def test_a_foreign_or_newer_or_truncated_journal_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(JournalError, match="another program"):
        open_for_reading(foreign)
    with pytest.raises(JournalError, match="another program"):
        JournalWriter(foreign)
    newer = tmp_path / "newer.sqlite"
    JournalWriter(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(JournalError, match="newer seniormode"):
        open_for_reading(newer)
    full = tmp_path / "full.sqlite"
    with JournalWriter(full) as writer:
        for seq in range(2000):
            writer.write(event(seq))
    data = full.read_bytes()
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(JournalError):
        conn = open_for_reading(truncated)
        conn.execute("SELECT count(*), sum(ms) FROM events").fetchone()
        raise JournalError(truncated, "read without error")  # never reached if the check above caught it


def test_the_version_changes_with_any_file_that_decides_the_screens(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "flows"
    shutil.copytree(ROOT / "flows_yaml", folder)
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    flow = load_flow_or_raise(folder / "hk_macau_renewal.yaml")
    before = flow_version(flow, ROOT / "themes" / "senior.yaml", locales)
    assert before == flow_version(flow, ROOT / "themes" / "senior.yaml", locales)
    rules = folder / "rules" / "senior.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    assert flow_version(flow, ROOT / "themes" / "senior.yaml", locales) != before


def test_a_run_that_stops_on_the_call_staff_screen_ends_handed_off() -> None:
    rows, session = walk([Event("ok"), Event("card"), Event("staff")])
    assert session.status == "calling_staff"
    assert kinds(rows)[-1] == ("staff_window", "session_end", "handed_off")
    assert "handoff" not in [r.kind for r in rows]  # no ticket was printed yet


def test_back_from_a_mistaken_call_is_not_a_handoff() -> None:
    rows, _ = walk([Event("ok"), Event("card"), Event("staff"), Event("back")])
    assert ("staff_window", "step_left", "back") in kinds(rows)
    assert kinds(rows)[-1] == ("purpose", "session_end", "abandoned")


def test_no_typed_value_and_nothing_from_the_card_reaches_the_journal(tmp_path: Path) -> None:
    """An ID number and a phone number typed (wrong, then right) and a card with a name and an ID number: none of
    it is stored."""
    phone_wrong, phone, name, id_number = "1381234567", "13812345678", "王秀英", "440103194805121234"
    typed_id_wrong, typed_id = "1101051949X231002", "11010519491231002X"
    renewal = load_flow_or_raise(RENEWAL)
    visit = load_flow_or_raise(ROOT / "flows_yaml" / "home_visit.yaml")
    path = tmp_path / "journal.sqlite"
    with JournalWriter(path) as writer:
        session = Session(visit)
        recorder = SessionRecorder(session, writer.write, kiosk="k1", version="v1")
        recorder.started(session.start())
        for event in (Event("ok"), Event("choose", "elderly"), Event("enter", typed_id_wrong), Event("enter", typed_id),
                      Event("enter", phone_wrong), Event("enter", phone)):
            recorder.handled(event, session.handle(event))
        recorder.close()
        session = Session(renewal)
        recorder = SessionRecorder(session, writer.write, kiosk="k1", version="v1")
        recorder.started(session.start())
        card = Event("card", {"age": 76, "name": name, "id_number": id_number, "region": "广东"})
        for event in (Event("ok"), card, Event("choose", "normal")):
            recorder.handled(event, session.handle(event))
        recorder.close()
        writer.flush()
    rows = open_for_reading(path).execute("SELECT * FROM events").fetchall()
    assert any(r[8] == "entry_error" and r[9] == "phone:invalid" for r in rows)
    assert any(r[8] == "entry_error" and r[9] == "id_number:invalid" for r in rows)
    text = repr(rows)
    data = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.iterdir() if p != path)
    for secret in (phone_wrong, phone, name, id_number, "1948", typed_id_wrong, typed_id, "19491231"):
        assert secret not in text
        assert secret.encode("utf-8") not in data


def test_the_rating_waits_its_own_time_whatever_the_age() -> None:
    flow = load_flow_or_raise(RENEWAL)
    for age in (50, 76, 85):
        session = Session(flow, {"age": age})
        session.start()
        for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau"),
                      Event("choose", "family"), Event("choose", "reuse"), Event("ok"), Event("yes"),
                      Event("device_ok"), Event("device_ok")):
            session.handle(event)
        assert session.current.id == "rating" and session.step_timeout() == 20.0
        session.handle(Event("tick", 20))
        assert session.current.id == "done", age


def test_the_welcome_screens_idle_warnings_are_nobodys() -> None:
    rows, _ = walk([Event("tick", 200), Event("tick", 100), Event("ok")])
    assert kinds(rows)[:2] == [("welcome", "step_shown", ""), ("welcome", "step_left", "answer")]
    assert rows[0].seq == 0 and rows[1].ms == 0 and "timeout_warning" not in [r.kind for r in rows]


def test_each_flow_a_kiosk_runs_is_versioned_by_its_own_files() -> None:
    """The triage and the renewal it starts are recorded with versions of their own files, so an edit to one flow
    changes its own version only (report --compare, the release manifest)."""
    from pathlib import Path

    from seniormode.core.loader import load_flow_or_raise
    from seniormode.core.session import Session
    from seniormode.journal.recorder import recorders
    from seniormode.journal.version import flow_version

    root = Path(__file__).resolve().parents[2]
    triage = load_flow_or_raise(root / "flows_yaml" / "triage.yaml")
    renewal = load_flow_or_raise(root / "flows_yaml" / "hk_macau_renewal.yaml")
    make = recorders(lambda row: None, kiosk="k", version="first", version_of=flow_version)
    assert make(Session(triage)).version == flow_version(triage)
    assert make(Session(renewal)).version == flow_version(renewal) != flow_version(triage)
    assert recorders(lambda row: None, kiosk="k", version="first")(Session(renewal)).version == "first"


def test_a_cancelled_change_is_recorded_as_such_not_as_an_answer(hk_flow) -> None:  # type: ignore[no-untyped-def]
    from seniormode.core.events import Event
    from seniormode.core.session import Session
    from seniormode.journal.recorder import SessionRecorder

    rows: list = []  # type: ignore[type-arg]
    session = Session(hk_flow, {"age": 45})
    recorder = SessionRecorder(session, rows.append, kiosk="k", version="v")
    recorder.started(session.start())
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau"),
                  Event("choose", "family"), Event("choose", "reuse"), Event("change", "destination"),
                  Event("cancel_change")):
        recorder.handled(event, session.handle(event))
    left = [(r.step, r.detail) for r in rows if r.kind == "step_left"]
    assert left[-1] == ("destination", "cancel_change"), left
