"""`flask import releases FILE.csv` (issue 12 item 1): good, bad and hostile release lists.

Each test writes a small CSV into a temporary folder and runs the command as an operator would, then
reads what was stored: people, custody stages, release dates with their source, handovers, audit.
"""

from __future__ import annotations

import csv
import os
import pty
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.alerts.models import ChangedPerson
from tracker.audit import AuditEntry
from tracker.pathway import release_import
from tracker.pathway.models import Handover, Person, ReleaseDate, Stage

HEADER = [
    "prison_number",
    "crn",
    "given_name",
    "family_name",
    "date_of_birth",
    "establishment_code",
    "sentence_start_on",
    "crd",
    "confirmed",
    "offender_manager_email",
]


@pytest.fixture
def om(make_staff):
    return make_staff("offender_manager", email="om@example.org")


@pytest.fixture
def importing(app, tmp_path, prison, om):
    """importing(rows, *options, header=HEADER, name=...): (exit code, output, rejects rows or None)."""
    runner = app.test_cli_runner(mix_stderr=False) if _mixes() else app.test_cli_runner()

    def run(rows, *options, header=HEADER, name="releases.csv", raw: bytes | None = None):
        path = tmp_path / name
        if raw is None:
            lines = [",".join(header)] + [",".join(row) for row in rows]
            raw = ("\r\n".join(lines) + "\r\n").encode()
        path.write_bytes(raw)
        result = runner.invoke(args=["import", "releases", str(path), *options])
        rejects = tmp_path / (name + ".rejects.csv")
        found = _csv_rows(rejects) if rejects.exists() else None
        return result.exit_code, result.output + (result.stderr if _has_stderr(result) else ""), found

    return run


def _mixes() -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def _has_stderr(result) -> bool:
    try:
        return bool(result.stderr)
    except ValueError:
        return False


def new_row(
    number="A1234BC",
    crn="X123456",
    crd="2027-03-15",
    confirmed="",
    email="om@example.org",
    start="2026-01-12",
):
    return [number, crn, "Sam", "Jones", "02/04/1985", "BCI", start, crd, confirmed, email]


def counts(db) -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, Stage, ReleaseDate, Handover)
    }


def person(db, number: str) -> Person | None:
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.prison_number == number))


def custody_dates(db, number: str) -> dict[str, date]:
    found = person(db, number)
    return found.open_pathway.current_stage.release_date_map()


def test_the_sample_file_adds_people_and_rejects_the_unknown_without_a_manager(app, tmp_path, om, prison, db):
    sample = os.path.dirname(__file__) + "/../data/releases_sample.csv"
    code, output, rejects = _run_file(app, tmp_path, Path(sample).read_bytes())

    assert code == 1
    assert "2 people added" in output and "1 rejected" in output
    assert "line 4, offender_manager_email: rejected: Not known here" in output
    assert rejects[1][:3] == [
        "4",
        "offender_manager_email",
        "Not known here: name an offender manager to add them.",
    ]
    sam = person(db, "A1234BC")
    assert (sam.crn, sam.date_of_birth, sam.offender_manager_id) == ("X123456", date(1985, 4, 2), om.id)
    stage = sam.open_pathway.current_stage
    assert (stage.kind, stage.establishment_team_id, stage.sentence_start_on) == (
        "custody",
        prison.id,
        date(2026, 1, 12),
    )
    assert stage.release_date_map()["hdced"] == date(2027, 1, 29)
    assert {r.source for r in stage.release_dates} == {"release list releases.csv"}
    assert person(db, "B2345CD").open_pathway.current_stage.release_on == date(2027, 5, 7)


def _run_file(app, tmp_path, raw: bytes, *options):
    path = tmp_path / "releases.csv"
    path.write_bytes(raw)
    result = app.test_cli_runner().invoke(args=["import", "releases", str(path), *options])
    rejects = tmp_path / "releases.csv.rejects.csv"
    return result.exit_code, result.output, _csv_rows(rejects) if rejects.exists() else None


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_a_known_persons_dates_move_through_the_use_case_and_their_handover_with_them(importing, db):
    importing([new_row(crd="2027-03-15")])
    handover_before = db.session.scalar(select(Handover.due_on).where(Handover.kind == "release"))

    code, output, rejects = importing([new_row(crd="2027-04-20")], "--source", "NOMIS 30 Nov")

    assert (code, handover_before) == (0, date(2027, 3, 15))
    assert "1 updated" in output and rejects == [["line", "column", "reason", *HEADER]]
    db.session.expire_all()
    assert db.session.scalar(select(Handover.due_on).where(Handover.kind == "release")) == date(2027, 4, 20)
    crd = db.session.scalar(select(ReleaseDate).where(ReleaseDate.kind == "crd"))
    assert (crd.value_on, crd.source) == (date(2027, 4, 20), "NOMIS 30 Nov")


def test_an_empty_cell_leaves_a_date_and_a_dash_clears_it_audited(importing, db):
    importing([new_row(crd="2027-03-15", confirmed="2027-03-12")])

    importing([new_row(crd="", confirmed="-")])

    assert custody_dates(db, "A1234BC") == {"crd": date(2027, 3, 15)}
    cleared = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.subject_type == "stages")).all()
    assert any(detail.get("release_dates", {}).get("confirmed", "x") is None for detail in cleared if detail)


def test_importing_the_same_file_again_changes_nothing_and_says_so(importing, db):
    rows = [new_row(), new_row("B2345CD", "X654321", crd="2027-05-10")]
    assert importing(rows)[0] == 0
    before = counts(db)

    code, output, _ = importing(rows)

    assert code == 0 and "nothing changed" in output and counts(db) == before


def test_a_dry_run_reports_the_same_and_writes_nothing(importing, db):
    code, output, rejects = importing([new_row(), new_row("B2345CD", "X654321", email="")], "--dry-run")

    assert code == 1 and "Dry run, nothing written. 2 rows read: 1 people added" in output
    assert "line 3, offender_manager_email: rejected" in output
    assert rejects is None
    assert counts(db) == {"people": 0, "stages": 0, "release_dates": 0, "handovers": 0}


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("prison_number\nJos\u00e9\n".encode("latin-1"), "Not UTF-8 (line 2)"),
        (b"", "empty"),
        (b"given_name,crd\nSam,2027-01-01\n", "prison_number or a crn"),
    ],
)
def test_a_file_that_cannot_be_read_exits_2_and_writes_nothing(importing, db, raw, why):
    code, output, rejects = importing([], raw=raw)

    assert code == 2 and why in output and rejects is None
    assert counts(db)["people"] == 0


def test_a_missing_file_exits_2(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import", "releases", str(tmp_path / "nothing.csv")])
    assert result.exit_code == 2


def test_a_byte_order_mark_and_columns_in_any_order_are_read(importing, db):
    header = list(reversed(HEADER))
    raw = ("\ufeff" + ",".join(header) + "\n" + ",".join(reversed(new_row())) + "\n").encode()

    assert importing([], raw=raw)[0] == 0
    assert person(db, "A1234BC") is not None


def test_rows_are_matched_by_prison_number_then_crn_never_by_name(importing, db, make_person, om):
    make_person(om, given_name="Sam", family_name="Jones", date_of_birth="1985-04-02")
    importing([new_row()])

    assert db.session.scalar(select(func.count(Person.id))) == 2
    code, _, _ = importing([new_row("B2345CD", "X123456")])
    assert code == 1  # the CRN's person has another prison number


def test_a_prison_number_matching_another_persons_crn_is_rejected(importing, db):
    importing([new_row("A1234BC", "X111111"), new_row("B2345CD", "X222222")])

    code, output, rejects = importing([new_row("A1234BC", "X222222", crd="2027-09-09")])

    assert code == 1
    assert rejects[1][:3] == ["2", "crn", "The prison number and the CRN belong to different people."]
    assert custody_dates(db, "A1234BC")["crd"] == date(2027, 3, 15)


def test_a_different_offender_manager_is_a_warning_and_not_a_change(importing, db, make_staff):
    make_staff("offender_manager", email="other@example.org")
    importing([new_row()])

    code, output, _ = importing([new_row(crd="2027-03-20", email="other@example.org")])

    assert code == 0 and "1 warnings" in output and "A different offender manager is assigned" in output
    assert person(db, "A1234BC").offender_manager.email == "om@example.org"


def test_a_known_person_gets_custody_only_where_the_transition_table_allows(
    importing, make_person, om, api_as, today
):
    api = api_as(om)
    at_court = make_person(om, prison_number="A1234BC")
    arrested = make_person(om, prison_number="B2345CD")
    start = str(today - timedelta(days=30))
    assert (
        api.post(
            f"/people/{at_court['id']}/stages", {"kind": "court", "start_on": start, "court": "Bristol"}
        ).status_code
        == 201
    )
    assert (
        api.post(f"/people/{arrested['id']}/stages", {"kind": "arrest", "start_on": start}).status_code == 201
    )

    code, output, rejects = importing([new_row("A1234BC", "", start=""), new_row("B2345CD", "", start="")])

    assert code == 1 and "1 custody stages opened" in output
    assert rejects[1][:2] == ["3", ""] and "Allowed next: court, closed" in rejects[1][2]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (new_row(crd="2027-13-01"), "crd", "Not a date"),
        (new_row(crd="2025-01-01"), "crd", "Cannot fall before the custody stage starts"),
        (new_row()[:5] + ["XXX"] + new_row()[6:], "establishment_code", "Unknown establishment code."),
        (new_row(email="nobody@example.org"), "offender_manager_email", "No active offender manager"),
        (new_row(number="12345"), "prison_number", "A prison number is like A1234BC."),
    ],
)
def test_each_rejected_row_names_its_line_column_and_reason(importing, db, row, column, reason):
    code, output, rejects = importing([row])

    assert code == 1
    assert rejects[1][:2] == ["2", column] and reason in rejects[1][2]
    assert counts(db)["people"] == 0


def test_duplicate_rows_keep_the_first_and_reject_the_rest(importing, db):
    code, _, rejects = importing([new_row(), new_row(), new_row("B2345CD", "X123456")])

    assert code == 1 and counts(db)["people"] == 1
    assert [r[:2] for r in rejects[1:]] == [["3", "prison_number"], ["4", "crn"]]


def test_the_rejects_file_is_private_and_escapes_formulas(importing, tmp_path):
    hostile = new_row(email="om@example.org")
    hostile[2], hostile[7] = '=HYPERLINK("http://evil")', "@SUM(1)"

    code, _, rejects = importing([hostile])

    assert code == 1
    mode = stat.S_IMODE(os.stat(tmp_path / "releases.csv.rejects.csv").st_mode)
    assert mode == 0o600
    assert rejects[1][3 + 2] == '\'=HYPERLINK("http://evil")' and rejects[1][3 + 7] == "'@SUM(1)"


def test_the_rejects_file_is_never_written_through_a_symbolic_link(importing, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "releases.csv.rejects.csv").symlink_to(target)

    importing([new_row(crd="nonsense")])

    assert target.read_text() == "keep me"


@pytest.fixture
def stage_refused_for(db):
    """stage_refused_for(prison_number): the database itself refuses a stage for that person (a trigger)."""
    made = []

    def make(prison_number: str) -> None:
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(
                    "CREATE FUNCTION refuse_stage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF (SELECT prison_number FROM people WHERE id = NEW.person_id) = '{prison_number}' "
                    "THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$"
                )
                conn.exec_driver_sql(
                    "CREATE TRIGGER refuse_stage BEFORE INSERT ON stages "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_stage()"
                )
            else:
                conn.exec_driver_sql(
                    "CREATE TRIGGER refuse_stage BEFORE INSERT ON stages WHEN "
                    f"(SELECT prison_number FROM people WHERE id = NEW.person_id) = '{prison_number}' "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                )
        made.append(prison_number)

    yield make
    if made:
        db.session.remove()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER refuse_stage" + (" ON stages" if _pg(conn) else ""))
            if _pg(conn):
                conn.exec_driver_sql("DROP FUNCTION refuse_stage()")


def _pg(conn) -> bool:
    return conn.dialect.name == "postgresql"


def test_a_batch_that_fails_halfway_is_retried_row_by_row_and_keeps_every_valid_row(
    importing, db, monkeypatch, stage_refused_for
):
    monkeypatch.setattr(release_import, "BATCH", 3)
    stage_refused_for("C3456DE")
    numbers = ["A1234BC", "B2345CD", "C3456DE", "D4567EF", "E5678FG"]
    rows = [new_row(n, f"X{i:06d}") for i, n in enumerate(numbers)]

    code, output, rejects = importing(rows)

    assert code == 1 and "4 people added" in output
    reason = rejects[1][2]
    assert rejects[1][:2] == ["4", ""] and reason.startswith("Could not be saved (")
    assert reason.endswith("); nothing of this row was kept.")
    assert person(db, "C3456DE") is None  # its person was written, then undone with its row
    assert counts(db) == {"people": 4, "stages": 4, "release_dates": 4, "handovers": 8}
    queued = db.session.scalars(select(ChangedPerson.person_id)).all()
    assert sorted(set(queued)) == sorted(p.id for p in db.session.scalars(select(Person)))


def test_the_import_is_audited_with_the_files_hash(importing, db):
    importing([new_row()])

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert entry.subject_type == "release_list" and len(entry.detail["sha256"]) == 64
    assert entry.detail["applied"] == 1


def release_texts(db) -> list[tuple[str, str]]:
    from tracker.sms.models import Message

    db.session.expire_all()
    rows = db.session.scalars(select(Message).where(Message.purpose == "release_day").order_by(Message.id))
    return [(m.due_at.date().isoformat(), m.status) for m in rows]


def test_the_release_day_text_follows_an_imported_confirmed_date_as_through_the_api(
    importing, db, make_person, om, today
):
    make_person(om, prison_number="A1234BC", crn="X123456", mobile="+447911123456", sms_consent=True)
    first, moved = today + timedelta(days=40), today + timedelta(days=50)
    row = new_row(crd=str(today + timedelta(days=60)), start=str(today - timedelta(days=30)))

    importing([row[:8] + [str(first)] + row[9:]])  # opens custody (the use case itself)
    opened = release_texts(db)
    importing([row[:8] + [str(moved)] + row[9:]])  # moves the date (the set-based path)
    after_move = release_texts(db)
    importing([row[:8] + ["-"] + row[9:]])
    after_clear = release_texts(db)

    assert opened == [(str(first), "pending")]
    assert after_move == [(str(first), "cancelled"), (str(moved), "pending")]
    assert after_clear == [(str(first), "cancelled"), (str(moved), "cancelled")]


def test_the_people_an_import_adds_or_changes_are_queued_for_the_sweep(importing, db):
    importing([new_row()])
    importing([new_row(crd="2027-04-01"), new_row("B2345CD", "X654321")])

    queued = db.session.scalars(select(ChangedPerson.person_id)).all()
    people = {p.prison_number: p.id for p in db.session.scalars(select(Person))}
    assert sorted(queued) == sorted([people["A1234BC"], people["A1234BC"], people["B2345CD"]])


def test_a_batch_costs_the_same_statements_whatever_its_size(importing, count_queries):
    def statements(first: int, size: int) -> int:
        known = [new_row(f"A{n:04d}BC", f"X{n:06d}") for n in range(first, first + size)]
        assert importing(known)[0] == 0
        moved = [new_row(r[0], r[1], crd="2027-04-01") for r in known]
        added = [new_row(f"B{n:04d}BC", f"Y{n:06d}") for n in range(first, first + size)]
        with count_queries() as counted:
            code, output, _ = importing(moved + added)
        assert code == 0 and f"{size} people added" in output and f"{size} updated" in output
        return len(counted)

    assert statements(0, 3) == statements(100, 40)


def test_a_long_list_goes_in_no_more_savepoints_than_postgresql_caches(importing, count_queries, monkeypatch):
    """Batches grow rather than pass MAX_BATCHES, each one subtransaction of the import's transaction."""
    monkeypatch.setattr(release_import, "BATCH", 2)
    monkeypatch.setattr(release_import, "MAX_BATCHES", 3)
    rows = [new_row(f"A{n:04d}BC", f"X{n:06d}") for n in range(10)]

    with count_queries() as counted:
        code, output, _ = importing(rows)

    assert code == 0 and "10 people added" in output
    assert sum(statement.startswith("SAVEPOINT") for statement in counted) == 3  # of 4, 4 and 2 rows


def _flask_import(path, database_url: str, terminal: bool) -> tuple[int, str, str]:
    """Run `flask import releases --dry-run` as its own process, its output on a terminal or a pipe."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "import", "releases", str(path), "--dry-run"]
    env = os.environ | {"TRACKER_ENV": "test", "TEST_DATABASE_URL": database_url}
    if not terminal:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=120)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    primary, secondary = pty.openpty()
    process = subprocess.Popen(command, cwd=root, env=env, stdout=secondary, stderr=subprocess.PIPE)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    with process:  # closes its stderr pipe
        return process.wait(timeout=120), shown.decode(), process.stderr.read().decode()


def test_a_terminal_shows_a_progress_bar_and_anything_else_one_summary_line(
    tmp_path, database_url, prison, om
):
    path = tmp_path / "releases.csv"
    rows = [new_row(), new_row("B2345CD", "X654321", email="")]
    path.write_text("\r\n".join([",".join(HEADER)] + [",".join(r) for r in rows]) + "\r\n")

    on_terminal = _flask_import(path, database_url, terminal=True)
    piped = _flask_import(path, database_url, terminal=False)

    assert on_terminal[0] == piped[0] == 1
    assert "Importing" in on_terminal[1] and "100%" in on_terminal[1]
    assert piped[1].splitlines() == [
        "Dry run, nothing written. 2 rows read: 1 people added, 0 custody stages opened, 0 updated, "
        "0 unchanged, 1 rejected, 0 warnings."
    ]
    assert "line 3, offender_manager_email: rejected" in piped[2]


def test_a_dry_run_says_exactly_what_the_import_then_does(importing, db):
    importing([new_row()])
    rows = [new_row(crd="2027-04-01", email="other@example.org"), new_row("B2345CD", "X654321"), new_row("C")]

    dry_code, dry, _ = importing(rows, "--dry-run")
    code, done, _ = importing(rows)

    def report(output: str) -> list[str]:
        return [line for line in output.splitlines() if line.startswith("line ")]

    summary = [line for line in done.splitlines() if "rows read" in line]
    assert (dry_code, code) == (1, 1) and report(dry) == report(done) and report(done)
    assert summary == [
        "3 rows read: 1 people added, 0 custody stages opened, 1 updated, 0 unchanged, "
        "1 rejected, 1 warnings."
    ]
    assert [line for line in dry.splitlines() if "rows read" in line] == [
        "Dry run, nothing written. " + summary[0]
    ]
