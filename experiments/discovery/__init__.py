"""Scenario discovery: under which assumptions and levers does the directive do the most harm?

What is sampled. One Latin hypercube (`scipy.stats.qmc.LatinHypercube`, seeded)
over three kinds of input, each run a point of it:

- the posterior (kind `posterior`): one column of the hypercube picks a
  particle of the calibrated posterior by its cumulative weight (the inverse
  of the weighted empirical distribution over particles, as
  `sim.launch.posterior.draw` does with a random number), so the draws are
  stratified over the posterior's mass and each run gets a whole particle:
  the fitted parameters keep their joint structure (a column per parameter
  through its own weighted quantiles would lose their correlations). The runs
  table records the particle and its values, and PRIM sees the values;
- the assumptions the posterior does not pin down (kind `assumption`): every
  other declared uncertainty (`experiments.points.RANGES`: every config field
  declared with role `uncertainty` and a numeric plausible range, the
  derived loss scale and `behavior.announcement_transfer` among them; a field
  declared later joins by itself), uniform over its declared plausible range.
  Left out, with the reason in `SKIPPED`: what sensitivity leaves out (see
  `experiments.points`), the posterior's parameters (drawn above), and
  `policy.rules.formal_request_share`, which cannot move the paired loss (the
  directive requires no formality, and the paired firewall run takes its rules
  from conf/policy/firewall.yaml);
- the levers (kind `lever`): every field declared with role `lever`
  (`sim.config.params.names_with_role`, in declaration order; a lever
  declared later joins by itself), uniform over its declared plausible
  range: the stated disclosure, staff compliance and ICE presence (declared
  uncertainties that are levers too: "oversight is a lever", "scenario"),
  remote service for every need, an outreach campaign (its week over 0 to
  weeks-1, its length in whole weeks, its reach), record-keeping (0 or 1,
  half the strata each) and the clinic's own disclosure. Held at the
  directive's value, each with its reason in `experiments.discovery.sample.HELD`:
  the rules that define other regimes (a formality, routine sharing), the
  directive's start and a court's order; the lists (regions, dated changes)
  are not one number.

Each run has its own model seed (from the seed's SeedSequence), so chance is
one more uncertainty, not frozen; the directive and its paired firewall run
share it (common random numbers). Two cross-field rules of validation adjust a
point as in sensitivity (`experiments.points.admissible`); the runs table
records the values run.

What is measured. The directive's uptake loss against its paired firewall run,
in percentage points: its mean over the last 52 weeks (`uptake_loss_last_year_pp`,
the default outcome), in the final week (`uptake_loss_final_pp`), and for
citizens in mixed-status households (`mixed_child_loss_last_year_pp`).

How. The cases of interest are the runs whose loss exceeds the threshold
(`--threshold-quantile`, default 0.8: the 80th percentile of the runs' losses;
or `--threshold-pp`). Feature scoring (extra trees, EMA Workbench
`get_ex_feature_scores`, seeded) ranks every input by how much it tells the
cases apart (classification) and by how much it explains the loss
(regression), beside 40 columns of uniform noise (probes): the largest score a
probe gets is the noise level. PRIM (EMA Workbench `prim.Prim`, binary mode,
lenient objective, peel and paste alpha 0.05, minimum mass 0.05) then looks
for boxes over the inputs that tell the cases apart better than noise does
(at least 2, at most 20), or over the best `--prim-dims N` (0: every input).
Why not all: with about 90 inputs and some hundreds of runs, PRIM over all of
them peels inputs that carry nothing but noise (each step takes the best of
~180 candidate peels), and the boxes name chance: at 500 runs and full size,
4 inputs stand out and the other 87 score like noise (with 40 probes, about 2
noise inputs are expected above them by chance). Each
restriction carries its quasi-p value (Bryant and Lempert 2010: a one-sided
binomial test of whether lifting it would lower the density; `significant`:
under 0.05); a large one flags a restriction that may be noise. The scoring
and PRIM use the same runs: read the boxes as where the model's harm
concentrates, not as a test.

The box chosen on each peeling trajectory is the one with the largest
coverage among those whose density reaches `--min-density` (default 0.4:
twice the share of cases overall at the default threshold; at full size no
box reaches 0.5, for the top fifth of losses is not confined to one tight
region; ties: fewer restricted dimensions, then the earlier step), or step
`--box N` of the first trajectory. PRIM reports a box
only when its most peeled box reaches `--min-density`; after each box, the
runs in it are set aside and PRIM looks again (covering), up to `--max-boxes`.

    python -m experiments.discovery                 # full: 20,000 people, 156 weeks, 1,000 paired runs
    python -m experiments.discovery --plan          # the full size and its projected time, without running
    python -m experiments.discovery --tiny          # CI size: 40 runs, 1,000 people, 20 weeks, directive at week 0
    python -m experiments.discovery --from-runs outputs/discovery/<stamp>/runs.csv --threshold-pp 1.5
                                                    # PRIM and scoring again on stored runs, another threshold

Writes, in `--figures` (default: the `--out` folder; figures/ only when named, as `make figures` does):
`discovery_boxes.csv` (each box's restricted dimensions, limits, quasi-p,
coverage, density, mass), `discovery_box.{png,pdf,csv}` (the limits against
the ranges), `discovery_peeling.{png,pdf,csv}` (coverage, density, mass and
restricted dimensions of every step), `discovery_feature_scores.{png,pdf,csv}`,
`discovery.json` (seed, model version, commit, `dirty`, `source_sha`, wall time, posterior file,
inputs, threshold, boxes) and MANIFEST.json entries; in `--out` (default: a
new folder outputs/discovery/<stamp>/, also with `--from-runs`): `runs.csv` (every run's inputs, seed, particle
and losses) and a copy of `discovery.json`. While it runs, the runs done so far
are saved every 50 in `runs.checkpoint.jsonl` (`experiments.design.run_points`):
the same command with the same `--out` goes on from there after a stop, running
only the points not saved. Every point is checked before the first runs: a bad
one stops the command with one line and exit status 2, nothing written.

Modules: `sample` (the hypercube and its runs), `prim` (scores and boxes),
`experiment` (the whole experiment and its outputs), `cli` (the command line);
sizes in conf/experiment/sizes/discovery.yaml. Needs ema-workbench:
`pip install -e .[discovery]`.
"""

from experiments.discovery.cli import main

__all__ = ["main"]
