"""Global sensitivity of the directive's uptake loss: Morris screening of every uncertainty, then Sobol indices.

What is varied. Every config field declared with role `uncertainty`
(`sim.config.params.names_with_role(UNCERTAINTY)`), plus the derived
`behavior.loss_scale` (`sim.config.params.DERIVED`), each uniform over its declared
plausible range (`sim.config.priors.priors`). The calibrated parameters
(`experiments.calibration.priors.CALIBRATED`) are among them, at their priors, and so
is `behavior.announcement_transfer` (tau: how loud the directive's
announcement is beside the public-charge rule the surveys measured; an
assumption). A field declared later joins by itself. Left out, each with its
reason in `experiments.points.SKIPPED` and in the summary: the noncitizen
entries of `behavior.loss` (represented by `behavior.loss_scale`), entries
whose plausible range is one value, and fields that are not one number (see
`experiments.points`).

The other per-key tables (`network.kin_degree`, `enforcement.exposure`,
`behavior.perceived_exposure`, `behavior.hassle`) are varied entry by entry,
each entry over its own plausible range. Two cross-field rules of
`sim.config.validate` are kept by adjusting a sampled point, not by dropping
it: `network.within_community` is capped at 1 - `network.within_block`, and
a `policy.compliance_sd` under 1e-6 is set to 0. The runs tables record the
sampled values (`experiments.points.admissible`).

What is measured. Each point is the directive (`appointment_disclosure`)
against its paired firewall run on one fixed seed (common random numbers):
its uptake loss in the final week (`uptake_loss_final_pp`, the headline's
metric), its mean weekly loss over the last 52 weeks
(`uptake_loss_last_year_pp`), and the loss of citizens in mixed-status
households over the last 52 weeks (`mixed_child_loss_last_year_pp`), all in
percentage points. A fixed seed does not remove chance: it freezes one draw
into the function being analysed, so a parameter's effect can be partly
chance. The summary's `chance` entry says how much: the spread of each output
over other seeds at the defaults, and the mu* that chance alone could give
(`chance_mu_star`, an upper bound); `above_chance` in the Morris table flags
the parameters that clear it.

How. Morris elementary effects (`morris_trajectories` trajectories, 4
levels) rank every parameter; the `sobol_top` parameters with the largest
mu* (scaled to each uptake output's largest, averaged over the two uptake
outputs) get first- and total-order Sobol indices from Saltelli samples of
size N and N/2 (the smaller is the first half of the larger: Sobol'
sequences nest), with 95% bootstrap intervals, the rest held at their
defaults. The summary's `transfer` entry gives the transfer's Morris rank
and, when it is among the screened parameters, its Sobol indices, and its
swing: each output at the two ends of its range, everything else at the
defaults.

    python -m experiments.sensitivity          # full: 20,000 people, 156 weeks, 863 paired runs, ~8 min
    python -m experiments.sensitivity --plan   # the full run's size and projected time, without running it
    python -m experiments.sensitivity --tiny   # CI size (~25 s of CPU), writes outputs/sensitivity/tiny_*

Sizes in conf/experiment/sizes/sensitivity.yaml. Every point is checked before the first runs (a bad one
stops the command with one line and exit status 2, nothing written); the runs done so far are kept in
`sensitivity.checkpoint.jsonl` in `--out`, so the same command with the same `--out` goes on after a stop.
Modules: `runs` (the size, outputs and runs of a sample), `morris` (screening), `sobol` (indices), `chance`
(the chance level and the transfer's swing), `experiment` (the whole analysis and its outputs), `cli`.

Writes, in `--figures` (default: the `--out` folder; figures/ only when named, as `make figures` names it):
`sensitivity_morris.{csv,png,pdf}`, `sensitivity_sobol.{csv,png,pdf}`, `sensitivity.json` (the summary: seed,
model version, commit, `dirty`, `source_sha`, wall time, sizes, ranges, skipped, chance, transfer) and entries
in MANIFEST.json; in `--out` (default: a new folder outputs/sensitivity/<stamp>), every run's inputs and
outputs.
"""

from experiments.sensitivity.cli import main

__all__ = ["main"]
