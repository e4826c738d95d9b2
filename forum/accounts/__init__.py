"""Staff accounts, roles and login (the blueprint lives in views.py)."""
