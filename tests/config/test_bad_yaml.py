"""A malformed YAML file of the config search path: one line naming the file, the line and the problem; exit 2.

It used to be a 95-line traceback from inside Hydra, after the run folder was made. The files are broken in a
copy of conf/ (or in a folder added to the search path), never in the repository's conf/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.config.paths import CONF_DIR
from sim.launch.yaml_check import EXIT_MALFORMED, file_problem, malformed_yaml, search_dirs
from tests.conftest import ROOT

BROKEN = "name: broken\nrules:\n  disclosure_prob: 0.5\n    records_kept: true\n"  # line 4 indented under a value


def test_the_shipped_configs_parse() -> None:
    assert malformed_yaml([CONF_DIR]) is None


def test_the_file_the_line_and_the_problem_are_named(conf_copy: Path) -> None:
    (conf_copy / "policy" / "broken.yaml").write_text(BROKEN)
    said = malformed_yaml([conf_copy])
    assert said is not None and "\n" not in said
    assert f"regime file {conf_copy / 'policy' / 'broken.yaml'} (policy=broken)" in said, said
    assert "line 4" in said and "mapping values are not allowed here" in said, said
    (conf_copy / "policy" / "broken.yaml").write_text("name: x\nname: y\n")
    assert "line 2" in file_problem(conf_copy / "policy" / "broken.yaml") and "duplicate key" in said_of(conf_copy)
    (conf_copy / "policy" / "broken.yaml").write_text("- a list\n")
    assert "not a mapping" in said_of(conf_copy)


def said_of(conf: Path) -> str:
    said = malformed_yaml([conf])
    assert said is not None
    return said


def test_the_search_path_is_read_from_the_command_words(tmp_path: Path) -> None:
    words = [f"--config-dir={tmp_path / 'a'}", "-cd", str(tmp_path / "b"), f"hydra.searchpath=[file://{tmp_path}/c]"]
    assert search_dirs(words) == [CONF_DIR, tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    assert search_dirs(["policy=firewall"]) == [CONF_DIR]


@pytest.mark.slow
def test_a_run_with_a_malformed_file_stops_in_one_line_and_writes_nothing(conf_copy: Path, tmp_path: Path) -> None:
    (conf_copy / "policy" / "broken.yaml").write_text(BROKEN)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "sim.run", "--config-dir", str(conf_copy), "policy=broken", f"hydra.run.dir={out}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == EXIT_MALFORMED, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "malformed YAML in regime file" in proc.stderr and "broken.yaml (policy=broken), line 4" in proc.stderr
    assert not out.exists()


def test_a_comparison_of_every_regime_names_the_broken_regime(tmp_path: Path, capsys) -> None:
    """The policy comparison sweeps every regime file of the search path: a broken one is named as a regime."""
    from experiments import policy_comparison

    extra = tmp_path / "mine"
    (extra / "policy").mkdir(parents=True)
    (extra / "policy" / "my_regime.yaml").write_text("name: my_regime\nrules: [0.5,\n")
    sweep = tmp_path / "sweep"
    with pytest.raises(SystemExit) as ended:
        policy_comparison.main(
            [f"hydra.searchpath=[file://{extra}]", f"--sweep-dir={sweep}", "--figures", str(tmp_path)]
        )
    assert ended.value.code == EXIT_MALFORMED
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"regime file {extra / 'policy' / 'my_regime.yaml'} (policy=my_regime), line 3" in err, err
    assert not sweep.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
