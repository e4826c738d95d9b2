"""Registration of attendees."""
