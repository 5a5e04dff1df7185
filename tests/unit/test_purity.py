"""Each stage leaves its input as it found it: stages hand on new values only.

The model is frozen dataclasses, but a stage could still change what it was
given through a list or a dict it holds: this pickles each input before and
after the stage and compares the bytes.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.options import Generation
from nb2pkg.plan.files import plan_files
from nb2pkg.plan.layout import lay_out
from nb2pkg.plan.merge import plan_notebooks
from nb2pkg.plan.notebook import make_plan
from nb2pkg.plan.place import place_statements
from nb2pkg.read.notebook import read_notebook
from nb2pkg.render.files import render_plan
from nb2pkg.testgen.cases import make_tests
from nb2pkg.write.manifest import Record, plan_changes
from tests.conftest import MakeNotebook, cell


def test_every_stage_leaves_its_input_equal(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = read_notebook(
        make_nb(
            cell("import math\nK = 2", count=1),
            cell("def area(r):\n    return math.pi * r * r * K", count=2),
            cell("class Box:\n    size = 1", count=3),
            cell("total = area(1)\nprint(total)", count=4, stdout="6.28\n"),
            cell("area(2)", result="25.132741228718345", count=5),
        )
    )
    snapshot = pickle.dumps(nb)
    analyses = analyse_notebook(nb)
    assert pickle.dumps(nb) == snapshot

    snapshot = pickle.dumps(analyses)
    statements = [s for a in analyses for s in a.statements]
    listed = pickle.dumps(statements)
    layout = lay_out(nb, analyses, mode=None)
    placement = place_statements(statements)
    plan = make_plan(nb, analyses, generation=Generation())
    merged, _ = plan_notebooks([nb], [analyses], generation=Generation())
    assert layout.converted and placement.module and plan.modules
    assert pickle.dumps(analyses) == snapshot
    assert pickle.dumps(statements) == listed

    modules = list(plan.modules)
    snapshot = pickle.dumps((analyses, modules))
    assert make_tests(analyses, modules, imports=placement.imports)
    assert pickle.dumps((analyses, modules)) == snapshot

    snapshot = pickle.dumps(merged)
    assert plan_files(merged, layout="flat", tests=False)
    rendered = render_plan(merged, generation=Generation()).files
    assert pickle.dumps(merged) == snapshot

    files = list(rendered)
    snapshot = pickle.dumps(files)
    assert plan_changes(files, tmp_path / "pkg", record=Record({})).write
    assert pickle.dumps(files) == snapshot
