"""The explorer end to end: a real server, driven in headless Chromium through Playwright.

It starts `solara run sim/explorer/app.py` on a free port, changes the regime and two
sliders, rebuilds the model, steps it, and checks that the numbers and the
plots moved the way the scenario implies, with no error on the page. The
screenshot goes to reports/explorer.png. Outside CI the test is skipped when
Chromium is absent; in CI (`CI` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import NEEDS
from sim.config.compose import default_config
from sim.config.mitigations import NONE, mitigation_names
from sim.explorer.dashboard import AGENT_ENGINE_MAX, BEHAVIORS, MITIGATIONS, RECORDS, ExplorerModel, explorer_config
from tests.conftest import get_path

ROOT = Path(__file__).resolve().parents[2]
ASSUMED = next(b for b, group in BEHAVIORS.items() if group == "default")
SCREENSHOT = ROOT / "reports" / "explorer.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_S = 180  # the server imports solara, mesa and builds the first model; CI machines are slow
STEP_WEEKS = 39  # weeks per press of Step (the render interval slider)


def _control_value(spec: dict) -> st.SearchStrategy:
    """Any value a control lets a user set: a slider position on its step grid, or a listed choice."""
    if spec["type"] == "Select":
        return st.sampled_from(spec["values"])
    n = round((spec["max"] - spec["min"]) / spec["step"])
    cast = int if spec["type"] == "SliderInt" else float
    return st.integers(0, n).map(lambda k: cast(min(spec["min"] + k * spec["step"], spec["max"])))


def _controls() -> dict[str, dict]:
    from sim.explorer.app import model_params

    return {k: v for k, v in model_params.items() if isinstance(v, dict)}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_control_setting_gives_a_valid_config(data: st.DataObject) -> None:
    """Bounded controls cannot build a config that validation rejects, and each lands where it should."""
    values = {k: data.draw(_control_value(spec), label=k) for k, spec in _controls().items()}
    cfg = explorer_config(**values)  # validates
    assert cfg.policy.name == values["policy"]
    assert cfg.policy.rules.disclosure_prob == pytest.approx(values["disclosure_prob"])
    assert cfg.enforcement.growth_per_year == pytest.approx(values["presence_growth"])
    assert cfg.network.mean_degree == pytest.approx(values["mean_degree"])
    assert (cfg.population.n_people, cfg.seed) == (values["n_people"], values["seed"])
    assert cfg.engine == ("agents" if values["n_people"] <= AGENT_ENGINE_MAX else "vectorized")
    assert all(cfg.policy.remote_share[k] >= values["remote_share"] - 1e-12 for k in NEEDS)
    if values["outreach_reach"] > 0:
        assert cfg.policy.outreach_week >= 0 and cfg.policy.outreach_reach == pytest.approx(values["outreach_reach"])
    elif values["mitigation"] == NONE:
        assert cfg.policy.outreach_week < 0
    if values["records"] != RECORDS[0]:
        assert cfg.policy.rules.records_kept is (values["records"] == "kept")


def test_controls_derive_from_the_declarations_and_conf_policy() -> None:
    from sim.config.params import plausible
    from sim.explorer.app import model_params
    from sim.explorer.dashboard import REGIME_NOTES

    regimes = sorted(p.stem for p in (ROOT / "conf" / "policy").glob("*.yaml") if not p.name.startswith((".", "_")))
    assert sorted(model_params["policy"]["values"]) == regimes
    assert all(REGIME_NOTES[r] for r in regimes)  # each regime file's description
    for control, path in {
        "disclosure_prob": "policy.rules.disclosure_prob",
        "remote_share": "policy.remote_share",
        "presence_growth": "enforcement.growth_per_year",
        "outreach_reach": "policy.outreach_reach",
        "mean_degree": "network.mean_degree",
    }.items():
        assert (model_params[control]["min"], model_params[control]["max"]) == plausible(path), control


@pytest.mark.parametrize("policy", ["firewall", "appointment_disclosure"])
def test_record_keeping_follows_the_regime_unless_set(policy: str) -> None:
    regime = default_config(policy).policy.rules.records_kept
    assert explorer_config(policy, records=RECORDS[0]).policy.rules.records_kept is regime


@pytest.mark.parametrize("mitigation", [m for m in MITIGATIONS if m != NONE])
def test_a_mitigation_lands_on_the_regime(mitigation: str) -> None:
    """Each mitigation of conf/mitigation/ sets in the explorer what its file sets (sliders at their defaults)."""
    from analysis.mitigation import describe

    cfg = explorer_config("appointment_disclosure", mitigation=mitigation, behavior=ASSUMED)
    for key, value in describe(mitigation)["overrides"].items():
        got = get_path(cfg, key)
        assert (list(got) if isinstance(got, (list, tuple)) else got) == value, key


def test_calibrated_behaviour_is_the_seed_s_posterior_draw() -> None:
    """The explorer's calibrated model is the one every experiment runs: the seed's posterior and transfer draw."""
    from sim.launch.posterior import apply_posterior

    for seed in (0, 7):
        explorer = explorer_config("appointment_disclosure", seed=seed, n_people=2000)
        cli, drawn = apply_posterior(default_config("appointment_disclosure", behavior="posterior", seed=seed))
        assert drawn and explorer.behavior == cli.behavior
        assert explorer.behavior.announcement_transfer == pytest.approx(drawn["behavior.announcement_transfer"])
    assumed = explorer_config("appointment_disclosure", behavior=ASSUMED)
    assert assumed.behavior == default_config("appointment_disclosure").behavior


def test_controls_cover_the_levers() -> None:
    """The page offers every lever the explorer promises, each with bounds or a list of choices."""
    controls = _controls()
    levers = {"policy", "mitigation", "disclosure_prob", "records", "remote_share", "presence_growth", "outreach_reach"}
    assert levers | {"mean_degree", "n_people", "seed"} <= set(controls)
    assert controls["mitigation"]["values"] == [NONE, *(m for m in mitigation_names() if m != NONE)]
    assert len(controls["policy"]["values"]) == len(list((ROOT / "conf" / "policy").glob("*.yaml"))) and controls[
        "records"
    ]["values"] == list(RECORDS)
    for spec in controls.values():
        assert spec["type"] == "Select" or spec["min"] <= spec["value"] <= spec["max"]


def test_firewall_scenario_matches_its_counterpart_week_by_week() -> None:
    """Same seed, same rules: the scenario and its paired firewall run cannot drift apart (common random numbers)."""
    model = ExplorerModel(policy="firewall", disclosure_prob=1.0, n_people=800, weeks=20)
    for _ in range(20):
        model.step()
    h = model.history
    assert h.week == list(range(1, 21)) and model.steps == 20 and not model.running
    for series in (h.uptake, h.disclosure, h.activity, h.trust):
        for group, values in series["policy"].items():
            np.testing.assert_array_equal(values, series["firewall"][group])
    assert h.encounters["policy"] == h.encounters["firewall"] and h.arrests["policy"] == h.arrests["firewall"]


def test_disclosure_raises_fear_above_the_firewall_run() -> None:
    """Routine sharing, every request answered: deciders think disclosure likelier, and trust less, than firewall's."""
    model = ExplorerModel(policy="routine_sharing", disclosure_prob=1.0, n_people=800, weeks=40)
    for _ in range(40):
        model.step()
    delta_hat = model.history.disclosure
    assert delta_hat["policy"]["all"][-1] > delta_hat["firewall"]["all"][-1]
    assert model.history.trust["policy"]["all"][-1] < model.history.trust["firewall"]["all"][-1]
    assert len(model.sample.nodes) > 0 and model.sample.edges.max(initial=0) < len(model.sample.nodes)


def test_page_components_render_without_a_browser() -> None:
    """Each view renders before the first step and after some, also for a network without ties."""
    import solara

    from sim.explorer import app

    model = ExplorerModel(mean_degree=0, n_people=500, weeks=10)
    for steps in (0, 3):
        for _ in range(steps):
            model.step()
        for view in (app.Summary, app.Beliefs, app.ActivityTrust, app.NetworkView, app.Encounters):
            _, context = solara.render(view(model), handle_error=False)
            context.close()
    assert 'data-week="3"' in app.status_html(model)


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's chromium; Playwright's own browser download is not used."""
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI; .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the explorer server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the explorer server did not listen on port {port} within {STARTUP_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The explorer served on a free local port, as `make app` serves it."""
    port = _free_port()
    log = tmp_path_factory.mktemp("explorer") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "solara", "run", "sim/explorer/app.py", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as out:
        proc = subprocess.Popen([*cmd, "--no-open", "--production"], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        _wait_for_server(proc, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _status(page) -> dict[str, float]:
    """The numbers the page shows for the current week (also kept in the status line's data attributes)."""
    el = page.locator(".explorer-status")
    keys = ("week", "uptake", "firewall-uptake", "disclosure", "firewall-disclosure", "activity", "trust", "encounters")
    return {k: float(el.get_attribute(f"data-{k}")) for k in keys}


def _wait_for_week(page, week: int) -> None:
    page.wait_for_function(
        f"document.querySelector('.explorer-status')?.dataset.week === '{week}'", timeout=STARTUP_S * 1000
    )


def _set_slider(page, label: str, key: str, presses: int = 1) -> str:
    """Move a slider by keyboard (as a user can), returning its new value."""
    slider = page.get_by_role("slider", name=label)
    slider.focus()
    for _ in range(presses):
        slider.press(key)
    return slider.get_attribute("aria-valuenow")


def _assert_no_error(page) -> None:
    text = page.inner_text("body")
    for marker in ("Traceback", "error in step", "error in visualization", "Exception"):
        assert marker not in text, f"the page shows {marker!r}:\n{text[-2000:]}"
    assert page.locator(".v-alert.error").count() == 0


@pytest.mark.slow
def test_explorer_end_to_end(chromium: str, server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1150})
            page.goto(server, timeout=STARTUP_S * 1000)
            page.wait_for_selector(".explorer-status", timeout=STARTUP_S * 1000)
            assert _status(page)["week"] == 0
            _assert_no_error(page)
            # The default model is small enough for Mesa agents; one week of it.
            assert "3,000 people, Mesa agents engine" in page.locator(".explorer-status").inner_text()
            page.get_by_role("button", name="Step").click()
            _wait_for_week(page, 1)
            assert 0.0 <= _status(page)["uptake"] <= 1.0

            # Every control names its meaning and unit next to it.
            sidebar = page.locator(".v-navigation-drawer").inner_text()
            for words in ("Policy regime", "Disclosure probability", "(0-1", "Record-keeping", "Remote-service share",
                          "ICE presence growth", "per year", "Outreach", "mean degree", "(ties)",
                          "Population size (people", "Seed"):  # fmt: skip
                assert words in sidebar

            # The regime, two sliders; sliders stop at their bounds.
            page.locator(".v-select", has_text="Policy regime").click()
            page.locator(".v-menu__content .v-list-item", has_text="routine_sharing").click()
            assert _set_slider(page, "Disclosure probability", "End") == "1"
            assert _set_slider(page, "Disclosure probability", "ArrowRight", presses=3) == "1"
            assert _set_slider(page, "Population size", "End") == "100000"
            assert _set_slider(page, "Render Interval", "ArrowRight", presses=(STEP_WEEKS - 1) // 2) == str(STEP_WEEKS)

            page.get_by_role("button", name="Reset").click()
            page.wait_for_function(
                "document.querySelector('.explorer-status')?.textContent.includes('routine_sharing')",
                timeout=STARTUP_S * 1000,
            )
            assert "100,000 people, vectorized engine" in page.locator(".explorer-status").inner_text()
            assert _status(page)["week"] == 0
            plots = page.locator(".v-window-item--active img")
            before = plots.first.screenshot()

            page.get_by_role("button", name="Step").click()
            _wait_for_week(page, STEP_WEEKS)
            first = _status(page)
            page.get_by_role("button", name="Step").click()
            _wait_for_week(page, 2 * STEP_WEEKS)
            second = _status(page)
            page.wait_for_timeout(500)
            after = plots.first.screenshot()

            assert plots.count() >= 5
            assert before != after, "the uptake plot did not change after stepping"
            for s in (first, second):
                assert 0.0 <= s["uptake"] <= 1.0 and 0.0 <= s["firewall-uptake"] <= 1.0
            # Routine sharing, disclosed on every request: deciders come to believe the agency tells ICE.
            assert second["disclosure"] > second["firewall-disclosure"]
            assert second["disclosure"] != first["disclosure"]
            assert 0.0 <= second["activity"] <= 1.0 and 0.0 <= second["trust"] <= 1.0
            assert f"Step: {2 * STEP_WEEKS}" in page.inner_text(".v-navigation-drawer")
            _assert_no_error(page)

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
