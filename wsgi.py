"""Entry point for gunicorn and `flask --app wsgi`: `gunicorn wsgi:app`."""

import os

from forum import create_app

app = create_app(os.environ.get("FORUM_CONFIG", "development"))
