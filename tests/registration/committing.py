"""The registration services as a view or CLI command calls them: one unit of work each.

Services add, lock and flush; their caller commits when they return and rolls back when
they raise. Tests that call a service directly use these, so they see what a request
leaves behind (and release the seat locks, as a request does).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from forum.extensions import db
from forum.registration import services

P = ParamSpec("P")
R = TypeVar("R")


def committing(service: Callable[P, R]) -> Callable[P, R]:
    @wraps(service)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = service(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return call


register = committing(services.register)
cancel = committing(services.cancel)
change_session = committing(services.change_session)
approve = committing(services.approve)
reject = committing(services.reject)
set_capacity = committing(services.set_capacity)
send_manage_link = committing(services.send_manage_link)
revoke_manage_links = committing(services.revoke_manage_links)
open_registration = committing(services.open_registration)
update_details = committing(services.update_details)
