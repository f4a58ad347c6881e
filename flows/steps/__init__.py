"""Plain-Python pipeline steps (no Prefect): what the CLI and the flows both call."""
