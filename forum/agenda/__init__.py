"""Agenda: rooms, sessions and their items; agenda pages and exports."""
