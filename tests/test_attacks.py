"""Attacks on nb2pkg through what it reads: notebooks, their folders, the
manifest of a package. Nothing in them may run code, reach outside the output
folder, remove what nb2pkg did not write, or copy a secret into the package.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg.cli import app
from tests.conftest import MakeNotebook

runner = CliRunner()


def convert_cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["convert", *args])
    return result.exit_code, result.output


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


# 1. Templates chosen by a cloned repository.


def test_a_cloned_repositorys_templates_cannot_run_code(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    nb = make_nb("def f():\n    return 1", "print(f())")
    (tmp_path / "pyproject.toml").write_text('[tool.nb2pkg]\ntemplate-dir = "tpl"\n')
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "README.md.j2").write_text(
        '{{ cycler.__init__.__globals__.os.system("touch PWNED") }}\n'
    )
    code, output = convert_cli(str(nb), "-o", str(tmp_path / "out"))
    assert code == 2, output
    assert output.count("\n") == 1
    assert output.startswith("nb2pkg: error: ") and "README.md.j2" in output
    assert not (tmp_path / "PWNED").exists()
    assert not (tmp_path / "out").exists()


def test_a_template_dir_that_does_not_exist_is_exit_2(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("x = 1")
    code, output = convert_cli(
        str(nb), "-o", str(tmp_path / "out"), "--template-dir", str(tmp_path / "no")
    )
    assert code == 2 and output.count("\n") == 1 and "does not exist" in output


# 2. The manifest lists paths outside the package.


def poison_manifest(package: Path, names: list[str], victim: Path) -> None:
    """Record ``names`` in the manifest with the victim's digest, as attackers do."""
    manifest = package / ".nb2pkg.json"
    record = json.loads(manifest.read_text())
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    record["files"].update(dict.fromkeys(names, digest))
    manifest.write_text(json.dumps(record))


@pytest.mark.parametrize(
    "kind", ["relative", "absolute", "dotted", "through a link", "backslash"]
)
def test_manifest_paths_outside_the_package_are_ignored(
    kind: str, make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("def f():\n    return 1")
    out = tmp_path / "pkg"
    assert convert_cli(str(nb), "-o", str(out))[0] == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("precious\n")
    name = {
        "relative": "../outside/victim.txt",
        "absolute": str(victim),
        "dotted": "src/../../outside/victim.txt",
        "through a link": "link/victim.txt",
        "backslash": "..\\outside\\victim.txt",
    }[kind]
    (out / "link").symlink_to(outside)
    poison_manifest(out, [name], victim)
    code, output = convert_cli(str(nb), "-o", str(out))
    assert victim.read_text() == "precious\n"
    assert code == 0, output
    assert f"ignored {name!r} in .nb2pkg.json" in output
    # ... and with --force, too.
    poison_manifest(out, [name], victim)
    code, output = convert_cli(str(nb), "-o", str(out), "--force")
    assert victim.read_text() == "precious\n"
    assert code == 0, output


def test_a_link_in_the_package_never_leads_a_write_outside(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("def f():\n    return 1")
    out = tmp_path / "pkg"
    assert convert_cli(str(nb), "-o", str(out))[0] == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    tests = out / "tests"
    for path in tests.iterdir():
        path.unlink()
    tests.rmdir()
    tests.symlink_to(outside)
    code, output = convert_cli(str(nb), "-o", str(out), "--force")
    assert code == 2 and "link" in output
    assert list(outside.iterdir()) == []


# 3. --force removes nothing nb2pkg did not write.


def test_force_keeps_what_nb2pkg_did_not_write(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    assert convert_cli(str(make_nb("def f():\n    return 1")), "-o", str(out))[0] == 0
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "NOTES.txt").write_text("my notes\n")
    core = out / "src" / "experiment" / "core.py"
    core.write_text(core.read_text() + "# my edit\n")
    (out / "src" / "experiment" / "core.py.new").write_text("old conflict\n")
    code, output = convert_cli(
        str(make_nb("def f():\n    return 2")), "-o", str(out), "--force"
    )
    assert code == 0, output
    assert "overwrote src/experiment/core.py" in output
    assert "return 2" in core.read_text() and "# my edit" not in core.read_text()
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (out / "NOTES.txt").read_text() == "my notes\n"
    assert (out / "src" / "experiment" / "core.py.new").read_text() == "old conflict\n"


def test_force_into_a_folder_of_nb2pkgs_files_only(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("def f():\n    return 1")
    out = tmp_path / "pkg"
    assert convert_cli(str(nb), "-o", str(out))[0] == 0
    (out / ".nb2pkg.json").unlink()  # a package from before manifests
    before = files_under(out)
    code, output = convert_cli(str(nb), "-o", str(out))
    assert code == 2 and "not empty" in output
    code, output = convert_cli(str(nb), "-o", str(out), "--force")
    assert code == 0, output
    after = files_under(out)
    assert set(after) == {*before, ".nb2pkg.json"}


def test_force_refuses_a_folder_with_other_files_and_names_them(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "project"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "config").write_text("[core]\n")
    (out / "data.csv").write_text("a,b\n")
    code, output = convert_cli(str(make_nb("x = 1")), "-o", str(out), "--force")
    assert code == 2 and output.count("\n") == 1
    assert ".git/" in output and "data.csv" in output
    assert files_under(out) == {".git/config": b"[core]\n", "data.csv": b"a,b\n"}


# 5. Notebook text is printed as text, never as rich markup.

MARKUP = "[/bold] [red]x[/red] [link=file:///etc]y[/link] \\[z]"


def test_every_kind_of_finding_prints_markup_literally(
    make_nb: MakeNotebook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dataclasses import replace

    from nb2pkg import Options, convert
    from nb2pkg.errors import CODES, Severity, finding
    from nb2pkg.report import convert_report as _report

    result = convert(make_nb("x = 1"), options=Options(dry_run=True))
    findings = tuple(
        finding(code, f"{code} {MARKUP}", cell=1, severity=severity)
        for code in CODES
        for severity in (Severity.WARNING, Severity.ERROR)
    )
    _report(replace(result, findings=findings), verbose=True)
    err = capsys.readouterr().err
    for code in CODES:
        assert f"cell 1: {code} {MARKUP} ({code})" in err


def test_magics_with_brackets_convert_and_print_as_written(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("%foo [/bold] [red]x", "!ls data/[red]raw[/red]", "x = 1")
    code, output = convert_cli(str(nb), "-o", str(tmp_path / "out"), "--verbose")
    assert code == 0, output
    assert "Traceback" not in output
    assert "%foo [/bold] [red]x" in output
    assert "!ls data/[red]raw[/red]" in output


# 8. A poisoned cache.


def cached_conversion(nb: Path, out: Path) -> tuple[int, str]:
    return convert_cli(str(nb), "-o", str(out))


def stores(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.suffix == ".json")


def poison(path: Path, change: Callable[[object], object]) -> None:
    """Change every entry of a store as an attacker would, keeping its header."""
    header, _, payload = path.read_bytes().partition(b"\n")
    entries = json.loads(payload)
    poisoned = {name: change(value) for name, value in entries.items()}
    path.write_bytes(header + b"\n" + json.dumps(poisoned).encode())


INJECTED = "\nimport os\nos.system('touch PWNED')\n"


def inject(value: object) -> object:
    """Append code to every string in ``value`` (a statement's code, black's output)."""
    if isinstance(value, str):
        return value + INJECTED
    if isinstance(value, list):
        return [inject(v) for v in value]
    if isinstance(value, dict):
        return {k: inject(v) for k, v in value.items()}
    return value


def test_a_poisoned_cache_never_reaches_the_package(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(cache))
    nb = make_nb("def f():\n    return 1", "x = f()\nprint(x)")
    assert cached_conversion(nb, tmp_path / "clean")[0] == 0
    for path in stores(cache):
        poison(path, inject)
    code, output = cached_conversion(nb, tmp_path / "again")
    assert code == 0, output
    assert output.count("does not match its signature") == 2  # facts and render
    assert files_under(tmp_path / "again") == files_under(tmp_path / "clean")
    # The stores were written anew, signed: the next run uses them quietly.
    code, output = cached_conversion(nb, tmp_path / "third")
    assert code == 0 and "signature" not in output
    assert files_under(tmp_path / "third") == files_under(tmp_path / "clean")


def test_a_store_signed_with_another_key_is_ignored(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nb2pkg import cache as nb2pkg_cache

    cache = tmp_path / "cache"
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(cache))
    nb = make_nb("def f():\n    return 1", "print(f())")
    assert cached_conversion(nb, tmp_path / "clean")[0] == 0
    # An attacker's cache: their own key, valid signatures, injected code.
    for path in stores(cache):
        poison(path, inject)
        store = nb2pkg_cache.Store(path, signing=bytes(32))
        store.save(json.loads(path.read_bytes().partition(b"\n")[2]))
    code, output = cached_conversion(nb, tmp_path / "again")
    assert code == 0 and "does not match its signature" in output
    assert files_under(tmp_path / "again") == files_under(tmp_path / "clean")


@pytest.mark.parametrize("mode", [0o666, 0o620])
def test_a_key_others_may_write_is_not_used(
    mode: int, make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nb2pkg.cache import signing_key

    config = tmp_path / "config"
    monkeypatch.setenv("NB2PKG_CONFIG_DIR", str(config))
    assert signing_key(config) is not None
    (config / "cache.key").chmod(mode)
    assert signing_key(config) is None
    cache = tmp_path / "cache"
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(cache))
    assert cached_conversion(make_nb("x = 1"), tmp_path / "out")[0] == 0
    assert not cache.exists()  # nothing cached without a key of one's own


@pytest.mark.parametrize(
    "damage", ["junk", "a folder", "valid JSON, no header", "bad types, signed"]
)
def test_a_damaged_cache_is_a_warning_and_a_cold_run(
    damage: str, make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nb2pkg import cache as nb2pkg_cache

    cache = tmp_path / "cache"
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(cache))
    nb = make_nb("def f():\n    return 1", cell_of("f()", "1"), "print(f())")
    assert cached_conversion(nb, tmp_path / "clean")[0] == 0
    for path in stores(cache):
        if damage == "junk":
            path.write_bytes(b"\x00\xff garbage")
        elif damage == "a folder":
            path.unlink()
            path.mkdir()
        elif damage == "valid JSON, no header":
            path.write_text("{}")
        else:  # what a future or buggy nb2pkg might have written, signed
            entries = json.loads(path.read_bytes().partition(b"\n")[2])
            odd = {name: [1, {"names": 2}] for name in entries}
            odd.update({name: {"names": ["f"], "digests": {"f": 3}} for name in odd})
            key = nb2pkg_cache.signing_key(Path(os.environ["NB2PKG_CONFIG_DIR"]))
            nb2pkg_cache.Store(path, signing=key or b"").save(odd)
    code, output = cached_conversion(nb, tmp_path / "again")
    assert code == 0, output
    assert "Traceback" not in output and "internal error" not in output
    assert files_under(tmp_path / "again") == files_under(tmp_path / "clean")


def cell_of(source: str, result: str) -> object:
    from tests.conftest import cell

    return cell(source, result=result, count=2)


# A very large notebook: never a silence that looks like a hang.


def test_a_large_notebook_says_so_before_the_work(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nb2pkg.analyse import batch

    monkeypatch.setattr(batch, "LARGE_CODE", 40)
    nb = make_nb("DATA = [" + "1, " * 20 + "]", "print(len(DATA))")
    code, output = convert_cli(str(nb), "-o", str(tmp_path / "out"))
    assert code == 0, output
    first = output.splitlines()[0]
    assert first.startswith("nb2pkg: 0.0 MB of code in 2 code cells: converting it")
    quiet = runner.invoke(app, ["convert", str(nb), "-o", str(tmp_path / "q"), "-q"])
    assert quiet.output == ""
