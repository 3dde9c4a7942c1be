"""The fit of the behavioural parameters to published survey figures by ABC-SMC, one concept per module.

`python -m experiments.calibrate` (experiments/calibrate.py) runs it; the
pieces, from the survey to the written posterior:

- `targets`: the survey figures the fit uses, their weeks and tolerances
- `priors`: the fitted parameters and their uniform priors
- `sizes`: how much one fit computes (full run or CI's tiny one; conf/experiment/sizes/calibration.yaml)
- `seeds`: every random number of a fit from one SeedSequence
- `simulator`: the model's answer to the survey's questions, and its distance to the survey
- `noise`: the targets' noise level, where the fit stops
- `defensive_kernel`, `seeded_sampler`, `tolerance`: pyabc extensions (proposal, sampler, tolerance schedule)
- `smc`: one ABC-SMC run and its diagnostics
- `summary`: what the posterior says about each parameter
- `checks`: the posterior predictive check and the convergence check
- `command`: the whole calibration, its written outputs and its command line

Nothing here imports pyabc at load time, so the targets and priors are cheap to import.
"""
