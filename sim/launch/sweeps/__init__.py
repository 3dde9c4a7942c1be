"""Sweeps that never lose or mix results, check every job before the first runs, and scope overrides to one arm.

Hydra's basic sweeper numbers a sweep's job folders 0, 1, ..., N-1 whatever
the sweep is. Sent to a folder that holds another sweep, job 0 of the new one
would land in the old run 0's folder, find a summary of another config and
replace it: that is how a second `seed=range(...)` once replaced a first one
without a word. So every multirun goes through `guard.guard_sweep`, which the
Hydra callback `sim.launch.callbacks.SweepGuard` runs before the sweeper
starts. One concern a module:

- `words`: the command's words Hydra's grammar lacks (`--force-new`,
  `<regime>:<key>=<value>`) turned into overrides, and overrides read as
  words; it imports neither Hydra nor the model (the experiment drivers use it).
- `hydra_jobs`: the jobs exactly as the basic sweeper will launch them
  (every combination of the swept values), each config composed as Hydra
  composes it; the one module on Hydra's private API.
- `plan`: every job's config checked with the function `sim.run` checks one
  run with (`sim.launch.simulate.prepare`: types, ranges, the RAM guard, the
  posterior). A job that can never run stops the sweep before anything runs
  or is written, with its overrides and the field named.
- `scopes`: an ordinary override reaches every job, so an injunction week
  given to a comparison also gives the directive a court order. A scoped
  override, `<regime>:<key>=<value>` (`injunction:policy.injunction_week=20`),
  reaches the jobs of that regime only: the guard writes them as
  `arm/<regime>.yaml` in the sweep folder's `.scoped/` config folder, which
  conf/config.yaml's defaults list loads for the job's regime (`optional arm:
  ${policy}`); each job's composed config is checked to hold the scoped values.
- `report`: before anything runs, which overrides reach which arm of a
  comparison (the regimes swept as `policy=a,b,...`), with a warning when a
  `policy.*` override reaches every regime.
- `manifest`: `sweep.json`, written atomically: the sweep's overrides and each
  job's overrides and config hash.
- `runs`: what the numbered run folders hold; runs made by another model
  (another `source_sha`: their numbers may not be what the code now gives)
  are neither reused nor overwritten.
- `folder`: the same sweep resumes (finished runs are skipped by `sim.run`);
  another sweep is refused, naming the folder and the difference; with
  `--force-new` it goes beside the old one, in `<folder>-2` (or `-3`, ...: the
  first that is free or holds this same sweep, so rerunning the command
  resumes it).
- `guard`: the pieces in order, nothing written until every check has passed.

Job folders stay numbered as Hydra numbers them (`hydra.sweep.subdir`), which
is what `analysis.load.run_dirs` reads. A refused sweep exits with the status
of `sim.launch.errors` (2: a job can never run; 4: the folder holds another
sweep).
"""
