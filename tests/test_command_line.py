"""The `calcrl` command line as an instructor meets it: help with an example for every
subcommand, and --course accepted before or after the subcommand."""
from __future__ import annotations

import pytest

from calcrl_checks.instructor.command.cli import EXAMPLES, main

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_every_subcommand_has_help_ending_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert f"usage: calcrl {command}" in shown
    example = shown.split("example:", 1)[1]
    assert f"calcrl {command}" in example


@pytest.mark.parametrize("where", ["before", "after"])
def test_course_is_taken_before_or_after_the_subcommand(where, tmp_path, capsys):
    course = ["--course", str(tmp_path)]
    argv = course + ["report", "calculus"] if where == "before" else ["report", "calculus"] + course
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    said = capsys.readouterr().err
    assert f"{tmp_path} has no nbgrader_config.py" in said and "Traceback" not in said
