"""Configuration, security, audit, metrics and masking shared by the routes."""
