"""`calcrl export`: a Canvas gradebook import that Canvas's importer takes as it is, students
matched and never guessed, scores that are not final left blank, the same bytes each time,
and bad input refused with nothing written."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import calcrl
from gradebooks import ASSIGNMENT, NBGRADER_WARNS, ability_class
from calcrl_checks.instructor.results.lms import (IDENTITY, ExportError, export_canvas,
                                                  export_plain)

pytestmark = pytest.mark.course


def canvas_import(export_text: str, import_text: str) -> dict[str, str]:
    """What Canvas's gradebook import does with ``import_text`` in the course that
    ``export_text`` (its own export) describes, by the rules its documentation gives: the
    first row is the header, its first columns identify the student and every further column
    must be an assignment the course has (or Canvas creates one); a ``Points Possible`` row
    may follow; a student row is matched by Canvas ID, then SIS User ID, then SIS Login ID;
    an empty score changes nothing. Returns Canvas ID -> new score; a broken rule fails."""
    known = list(csv.reader(io.StringIO(export_text)))
    roster = [row for row in known[1:] if row and row[0].strip() != "Points Possible"]
    rows = list(csv.reader(io.StringIO(import_text)))
    header = rows[0]
    assert header[:5] == list(IDENTITY), f"header not recognised: {header}"
    assignments = header[5:]
    assert assignments, "no assignment column"
    new = [name for name in assignments if name not in known[0]]
    assert not new, f"the import would create new assignments: {new}"
    body = rows[1:]
    assert body and body[0][0] == "Points Possible", "no Points Possible row"
    possible = [float(value) for value in body[0][5:]]
    changes = {}
    for row in body[1:]:
        for column in (1, 2, 3):
            hits = [known_row for known_row in roster if row[column] and
                    known_row[column] == row[column]]
            if hits:
                break
        assert len(hits) == 1, f"row {row} matches {len(hits)} students"
        for value, top in zip(row[5:], possible):
            if value != "":
                assert 0 <= float(value) <= top, row
                changes[hits[0][1]] = value
    return changes


def test_the_demo_canvas_file_imports_with_every_student_matched(graded_class):
    folder = graded_class.root / "reports" / ASSIGNMENT
    export = (folder / "canvas-export-demo.csv").read_text()
    imported = (folder / "canvas.csv").read_text()
    changes = canvas_import(export, imported)
    rows = list(csv.DictReader(io.StringIO(imported)))[1:]
    assert len(rows) == 9 and {row["SIS Login ID"] for row in rows} == {
        "perfect", "mistakes01", "mistakes02", "mistakes03", "blank", "syntax", "loop",
        "noisy", "corrupt"}
    assert list(rows[0])[5] == "calculus (4521)"
    # Only scores that are final: the demo's written answers still wait for a TA.
    by_login = {row["SIS Login ID"]: row["calculus (4521)"] for row in rows}
    assert by_login["perfect"] == "" and by_login["blank"] == "0"
    assert set(changes.values()) == {"0"}


def test_a_reexport_gives_the_same_bytes(graded_class, tmp_path):
    roster = graded_class.root / "reports" / ASSIGNMENT / "canvas-export-demo.csv"
    outputs = []
    for name in ("first.csv", "second.csv"):
        done = calcrl(graded_class.root, "export", "canvas", ASSIGNMENT, "--canvas-export",
                      str(roster), "--out", str(tmp_path / name))
        # 1 when the fixture's extra student (not in the demo's Canvas export) is graded.
        assert done.returncode in (0, 1), done.stdout + done.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_an_export_that_is_not_canvas_s_is_refused_and_nothing_is_written(graded_class,
                                                                        tmp_path):
    wrong = tmp_path / "grades.csv"
    wrong.write_text("student_id,score\nperfect,100\n")
    out = tmp_path / "canvas.csv"
    done = calcrl(graded_class.root, "export", "canvas", ASSIGNMENT, "--canvas-export",
                  str(wrong), "--out", str(out))
    assert done.returncode == 2
    assert "is not a Canvas gradebook export: its first row has no Student, ID" in done.stderr
    assert not out.exists() and not list(tmp_path.glob(".*partial"))
    missing = calcrl(graded_class.root, "export", "csv", ASSIGNMENT, "--out", str(out))
    assert missing.returncode == 2 and "needs --id-column and --score-column" in missing.stderr


@NBGRADER_WARNS
def test_pending_points_leave_the_score_blank_never_zero(tmp_path):
    course, _ = ability_class(tmp_path, 6, pending=frozenset({"s03"}))
    done = export_canvas(course, ASSIGNMENT, tmp_path / "canvas.csv")
    rows = {row["SIS Login ID"]: row["calculus"]
            for row in csv.DictReader((tmp_path / "canvas.csv").open())}
    assert rows["s03"] == "" and "wait for a TA" in done.blank["s03"]
    assert rows["s00"] == "2" and rows["s05"] == "8"   # the strongest lose q01-broken
    assert rows[""] == "10"   # the Points Possible row
    plain = export_plain(course, ASSIGNMENT, tmp_path / "plain.csv", "username", "calculus")
    lines = (tmp_path / "plain.csv").read_text().splitlines()
    assert lines[0] == "username,calculus" and "s03," in lines and plain.written == 6


@NBGRADER_WARNS
def test_students_are_matched_in_order_and_never_guessed(tmp_path):
    course, _ = ability_class(tmp_path, 6, emails={"s01": "S01@Uni.edu"})
    export = tmp_path / "export.csv"
    export.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,calculus (77)\n"
                      "    Points Possible,,,,,10\n"
                      '"Zero, S",500,,s00,A,\n'          # by SIS Login ID
                      '"One, S",501,,s01@uni.edu,A,\n'   # by e-mail, any case
                      '"Two, S",502,s02,x2,A,\n'         # by SIS User ID
                      '"Three, S",s03,,x3,A,\n'          # by Canvas ID
                      '"Four, S",504,,s04,A,\n'          # s04 twice: ambiguous
                      '"Four again, S",505,,s04,B,\n'
                      '"Nobody, S",506,,x6,A,\n')        # and s05 is not listed
    done = export_canvas(course, ASSIGNMENT, tmp_path / "canvas.csv", export)
    assert set(done.ambiguous) == {"s04"} and done.unmatched == ["s05"]
    text = (tmp_path / "canvas.csv").read_text()
    changes = canvas_import(export.read_text(encoding="utf-8-sig"), text)
    assert set(changes) == {"500", "501", "502", "s03"}
    assert text.splitlines()[0].endswith(",calculus (77)")


@NBGRADER_WARNS
def test_bad_input_gives_a_clear_message_and_no_file(tmp_path):
    course, _ = ability_class(tmp_path, 5)
    twice = tmp_path / "twice.csv"
    twice.write_text("Student,ID,SIS User ID,SIS Login ID,Section\nA,7,,a,\nB,7,,b,\n")
    with pytest.raises(ExportError, match="lists Canvas ID 7 twice"):
        export_canvas(course, ASSIGNMENT, tmp_path / "canvas.csv", twice)
    with pytest.raises(ExportError, match="does not exist"):
        export_canvas(course, ASSIGNMENT, tmp_path / "canvas.csv", tmp_path / "absent.csv")
    with pytest.raises(ExportError, match="two different, non-empty names"):
        export_plain(course, ASSIGNMENT, tmp_path / "plain.csv", "id", "id")
    empty = tmp_path / "empty"
    empty.mkdir()
    from calcrl_checks.instructor.grading.course import Course

    with pytest.raises(ExportError, match="no graded submissions of 'calculus' yet"):
        export_canvas(Course(empty), ASSIGNMENT, empty / "canvas.csv")
    assert not list(Path(tmp_path).rglob("canvas.csv"))
