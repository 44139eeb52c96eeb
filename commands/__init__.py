"""Command groups of the `vigil` CLI, one module each; generator.py registers them."""
