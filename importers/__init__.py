"""Importers: other tools' configurations as a Vigil config.yaml and incident files."""
