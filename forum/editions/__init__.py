"""Editions: one forum per year, the home page and the archive."""
