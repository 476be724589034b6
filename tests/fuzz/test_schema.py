"""Schema fuzzing: every operation of ``/api/schema/``, with data that fits the schema and
data that does not, sent straight to the WSGI application as three people (an officer,
another centre's officer, staff). No answer may be a server error, and every answer must be
one the schema documents (its status code, content type and body).

Deterministic (derandomised, no example database) and bounded: ``EXAMPLES`` examples per
operation and generation mode, each sent as every person (made once: making them costs more
than sending them). The operations are sent in ``PARTS`` tests, all run by one of the test
run's workers (``tests/conftest.py``): the schema and the people are made once.
"""

import functools

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.signing_in import session_cookies

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12
PEOPLE = ["officer", "other_officer", "staff"]
# Together at least this many requests, whatever the number of operations.
FLOOR = 1000
PARTS = 6

APPLICATION = WSGIHandler()


@functools.cache
def operations() -> list:
    """Every operation of the schema, read by the first part a test process runs (a process
    that runs none does not read it)."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", APPLICATION)
    # Strings may hold NUL: PostgreSQL refuses it in text, and the request guard
    # (portal/guards.py) must answer 400 before any query sees it.
    schema.config.generation.update(allow_x00=True)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def _requests_keep_the_test_transaction():
    # Django closes a connection in an open transaction at each request's start and end; the
    # test client unhooks that, and requests sent straight to the application must do the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _session_of(user) -> tuple[dict, dict]:
    """Cookies and headers of a browser session of ``user`` (staff past two-factor sign-in),
    with the CSRF token the API asks of a session that posts."""
    csrf = _get_new_csrf_string()
    cookies = {**session_cookies(user), "csrftoken": csrf}
    return cookies, {"X-CSRFToken": csrf}


def _known_values(world) -> dict[str, list]:
    """Path parameters that name real objects, of both centres: generated values alone would
    almost never find one, and the interesting answers are about real objects."""
    references, pks = [], []
    for side in (world.a, world.b):
        for by_status in side.cases.values():
            references += [case.reference for case in by_status.values()]
        pks.append(side.notification.pk)
    return {
        "reference": references,
        "pk": pks,
        "id": pks,
        "number": [world.a.centre.number, world.b.centre.number],
        "code": [world.series.code],
    }


def _fuzz(operation, mode, *, sessions, known, counter, failures):
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, data):
        for name in case.path_parameters or {}:
            # An invalid path parameter does not match the URL, and never reaches the API: in
            # the negative mode the body and the query string carry what is invalid.
            if known.get(name) and (mode == GenerationMode.NEGATIVE or data.draw(st.booleans())):
                case.path_parameters[name] = data.draw(st.sampled_from(known[name]))
        problems = []
        for person, (cookies, headers) in sessions.items():
            counter.append(1)
            response = case.call(headers=headers, cookies=cookies)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, FailureGroup) as error:
                problems.append(f"as {person}: {error}")
        if problems:
            raise AssertionError("\n".join(problems))

    try:
        run()
    except Unsatisfiable:
        pass  # nothing of this operation can be made invalid in this mode (a bare string path)
    except (Exception, FailureGroup) as error:  # every failure is reported together
        failures.append(f"{operation.label} ({mode}): {error}")


@pytest.mark.usefixtures("_requests_keep_the_test_transaction")
@pytest.mark.parametrize("part", range(PARTS))
def test_api_answers_as_documented(part, world, db):
    people = {
        "officer": world.a.officer,
        "other_officer": world.b.officer,
        "staff": world.staff,
    }
    sessions = {person: _session_of(people[person]) for person in PEOPLE}
    known = _known_values(world)
    counter, failures = [], []

    for operation in operations()[part::PARTS]:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(
                operation,
                mode,
                sessions=sessions,
                known=known,
                counter=counter,
                failures=failures,
            )

    assert failures == [], "\n\n".join(failures)
    assert len(counter) * PARTS >= FLOOR
