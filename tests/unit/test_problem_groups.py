"""dlimgmgr_tasks/lib/problem_groups.py: many problems of one cause become one line with examples."""
from dlimgmgr_tasks.lib import problem_groups
from dlimgmgr_tasks.lib.checks import Problem


def _unknown(path):
    return Problem(path, "unknown-class", "object 'close' is not in classes", "build again",
                   cause=("unknown-class", "projects/close/project.yaml", "close", "['closee']"))


def test_a_shared_cause_is_one_line_with_the_count_the_fix_and_three_examples():
    problems = [_unknown(f"projects/close/master/close_c{i:03}.xml") for i in range(5)]
    problems.append(Problem("projects/kanji/master/k.xml", "bad-size", "size says 10x10", "fix it"))
    lines = problem_groups.lines(problems)
    assert lines[0].startswith("projects/close/master: 5 problem(s) in 5 file(s): objects of class 'close', "
                               "which projects/close/project.yaml does not list")
    assert "add 'close' to classes in projects/close/project.yaml" in lines[0] and "build again" in lines[0]
    assert [ln for ln in lines if ln.startswith("  e.g. ")] == [f"  e.g. {p.line()}" for p in problems[:3]]
    assert lines[-1] == problems[-1].line() and problem_groups.causes(problems) == 2


def test_a_few_problems_stay_one_line_each():
    problems = [_unknown(f"projects/close/master/c{i}.xml") for i in range(problem_groups.GROUP_AT - 1)]
    assert problem_groups.lines(problems) == [p.line() for p in problems]
