"""Watching the portal in production: request ids carried into logs and tasks, JSON logs,
Prometheus metrics, error tracking and the health endpoints' checks."""
