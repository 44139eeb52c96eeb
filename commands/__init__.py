"""The commands of the `vigil` CLI, one module each: a plain function that does the work
and returns what it did, and the click command that calls it and prints; generator.py
registers them."""
