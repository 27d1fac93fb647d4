"""Queries and computation. No FastAPI imports: routes call these with plain values."""
