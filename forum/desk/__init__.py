"""The check-in desk under /<lang>/desk/: scan or search, admit once, print the badge.

Views and words only; admission, cards and counts are services in
forum/registration/checkin.py.
"""
