"""Where `vigil check` sends results besides the history: `otlp` (OpenTelemetry)."""
