"""Every command in docs/guide.md works: runnable blocks are run in order from an empty folder; blocks marked
`# not run in CI` are checked without running (Hydra composes the command, `make -n`, `--help`)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config.paths import ROOT

GUIDE = ROOT / "docs" / "guide.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
NOT_RUN = "# not run in CI"
EXPECT = re.compile(r"^# expect exit status (\d+)")


def blocks() -> list[tuple[str, str]]:
    """(language, code) of every fenced block of the guide, in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(GUIDE.read_text())]


def commands(code: str) -> list[str]:
    """The block's commands: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    lines = (line.split(" #")[0].strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def env() -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}", "HYDRA_FULL_ERROR": "1"}


def run(cmd: list[str] | str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    shell = isinstance(cmd, str)
    args = ["bash", "-eo", "pipefail", "-c", cmd] if shell else cmd
    return subprocess.run(args, cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout)


def first_value(value: str) -> str:
    """One value of a sweep value, so that a multirun command can be composed as a single run."""
    if value.startswith("range("):
        return value[len("range(") :].split(",")[0].rstrip(")")
    return value.split(",")[0]


def single_run(word: str) -> str:
    key, sep, value = word.partition("=")
    return f"{key}={first_value(value)}" if sep and ("," in value or value.startswith("range(")) else word


def as_dry_run(command: str) -> tuple[list[str], Path]:
    """A not-run command turned into one that checks it without running it."""
    words = shlex.split(command)
    while words and re.match(r"^[A-Z_]+=", words[0]):  # environment assignments
        words = words[1:]
    if words[0] == "make":
        return ["make", "-n", *words[1:]], ROOT
    if words[:3] == ["python", "-m", "sim.run"]:
        overrides = [w for w in words[3:] if w not in ("-m", "--multirun")]
        return [sys.executable, "-m", "sim.run", *map(single_run, overrides), "--cfg", "hydra"], ROOT
    if words[:2] == ["python", "-m"]:
        return [sys.executable, "-m", words[2], "--help"], ROOT
    found = f"import shutil, sys; sys.exit(shutil.which({words[0]!r}) is None)"  # a tool we cannot run here
    return [sys.executable, "-c", found], ROOT


def test_guide_has_runnable_and_checked_blocks():
    langs = [lang for lang, _ in blocks()]
    bash = [code for lang, code in blocks() if lang == "bash"]
    assert "python" in langs
    assert any(code.startswith(NOT_RUN) for code in bash) and any(not code.startswith(NOT_RUN) for code in bash)
    text = GUIDE.read_text()
    for topic in ("hydra/launcher=ray", "submitit_slurm", "submitit_local", "joblib", "load_sweep", "make figures"):
        assert topic in text, topic
    # the sections a modeller relies on to extend the model, and the names of the outputs as they are now
    for topic in (
        "### Add a regime",
        "stated disclosure",
        "### Add a mechanism",
        "sim.model.engine.week.WEEK",
        "sim/model/data/behavior.py",
        "sim/model/data/state.py",
        "sim/config/<section>.py",
        "tests/test_docs.py",
        "python -m sim.run --show-week",
        "uptake_loss_final_pp",
        "eligible_agents",
        "small_groups",
        "chilling ratio",
        "not recovered by the horizon",
    ):
        assert topic in text, topic
    for stale in ("news salience", "behavior.memory=", '"uptake_loss_final"', "Immigrant families", "citizen_only"):
        assert stale not in text, stale


def independent(code: str) -> bool:
    """Blocks that read nothing other blocks write: run apart, in parallel with the rest."""
    return "python -m experiments" in code or "hydra/launcher=submitit_local" in code


@pytest.mark.slow
@pytest.mark.parametrize("part", ["scenarios", "experiments"])
def test_runnable_blocks(tmp_path: Path, part: str):
    """The bash and python blocks, in the guide's order, from one empty folder (later blocks read earlier outputs)."""
    ran = 0
    for i, (lang, code) in enumerate(blocks()):
        if independent(code) != (part == "experiments"):
            continue
        if lang == "bash" and not code.startswith(NOT_RUN):
            expect = EXPECT.match(code)
            proc = run(code, tmp_path)
            want = int(expect.group(1)) if expect else 0
            assert proc.returncode == want, f"block {i} exited {proc.returncode}:\n{code}\n{proc.stdout}\n{proc.stderr}"
            if expect:
                assert "invalid config" in proc.stderr
        elif lang == "python":
            script = tmp_path / f"block_{i}.py"
            script.write_text(code)
            proc = run([sys.executable, str(script)], tmp_path)
            assert proc.returncode == 0, f"block {i} failed:\n{code}\n{proc.stdout}\n{proc.stderr}"
        else:
            continue
        ran += 1
    if part == "scenarios":
        assert ran >= 8
        assert (tmp_path / "runs" / "first" / "summary.json").exists()
        assert "remote_first" in (tmp_path / "runs" / "remote_first" / ".hydra" / "config.yaml").read_text()
        # the calibrated run records its draw: one particle and one announcement transfer for its seed
        drawn = json.loads((tmp_path / "runs" / "posterior" / "summary.json").read_text())["posterior_draw"]
        assert "behavior.announcement_transfer" in drawn and "behavior.w_announcement" in drawn
    else:
        assert ran >= 3
        assert list((tmp_path / "figures_small").glob("*.png"))
        mitigations = pd.read_csv(tmp_path / "runs" / "my_mitigation" / "mitigation.csv")  # the user's own file ran
        assert {"phone_and_outreach", "remote_all"} <= set(mitigations["mitigation"])
        assert len(list((tmp_path / "multirun" / "submitit_local").glob("*/summary.json"))) == 2


NOT_RUN_COMMANDS = [c for lang, code in blocks() if lang == "bash" and code.startswith(NOT_RUN) for c in commands(code)]


@pytest.mark.slow
@pytest.mark.parametrize("command", NOT_RUN_COMMANDS)
def test_not_run_commands_check(command: str):
    cmd, cwd = as_dry_run(command)
    proc = run(cmd, cwd, timeout=120)
    assert proc.returncode == 0, f"{command}\n-> {cmd}\n{proc.stdout}\n{proc.stderr}"


@pytest.mark.slow
def test_dry_run_catches_a_misspelled_launcher_option():
    """The check used for not-run commands fails on a wrong option, so it can catch a stale guide."""
    cmd, cwd = as_dry_run("python -m sim.run -m hydra/launcher=submitit_slurm hydra.launcher.partitionn=cpu")
    assert run(cmd, cwd, timeout=120).returncode != 0
    assert shutil.which("make")
