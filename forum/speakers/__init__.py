"""Speakers: profiles of the people on the programme."""
