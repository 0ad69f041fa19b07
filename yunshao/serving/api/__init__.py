"""The HTTP API: routes under /v1, the pages, health and metrics."""
