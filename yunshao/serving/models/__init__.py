"""Pydantic models: contract rows and bundles (generated from the contract), requests and responses."""
