"""The organizers' screens under /<lang>/admin/: views and forms only.

Every change goes through a feature's editing service, which takes the acting user
and writes the audit entry; the view commits once.
"""
