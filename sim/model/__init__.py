"""The model: data (state, randomness, kernels) <- build <- phases <- engine; no Hydra, OmegaConf, pandas, Solara."""
