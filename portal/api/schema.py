from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny


class VerifiedSessionScheme(SessionScheme):
    """Documents the browser session (with its two-factor rule for staff) like Django's."""

    target_class = "portal.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"


class ApiTokenScheme(KnoxTokenScheme):
    target_class = "portal.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"


# The error shapes of portal.api.errors, as components every operation refers to.
DETAIL = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
)
FIELD_ERRORS = ResolvedComponent(
    name="FieldErrors",
    type=ResolvedComponent.SCHEMA,
    object="FieldErrors",
    schema={
        "type": "object",
        "properties": {
            "errors": {
                "type": "object",
                "description": "Messages by field name; non_field_errors for the whole request.",
            }
        },
        "required": ["errors"],
    },
)
# A body that cannot be read at all (not JSON, an unknown content type) answers ``detail``.
EITHER = (FIELD_ERRORS, DETAIL)
ERRORS = {
    "400": ("The request is not valid: the messages say why, by field.", EITHER),
    "401": ("Not signed in: send a token or a session.", (DETAIL,)),
    "403": ("Signed in, but not allowed to do this.", (DETAIL,)),
    "404": ("Nothing here that you may see (another centre's answers the same).", (DETAIL,)),
    "409": ("The case's status does not allow this move now.", (DETAIL,)),
    "413": ("A file is larger than allowed.", EITHER),
    "415": ("A file, or the request's content type, is not accepted.", EITHER),
    "422": (
        "This Idempotency-Key was already used for a different request: use a new key.",
        (DETAIL,),
    ),
    "429": ("Too many requests: wait and try again.", (DETAIL,)),
}
# What the router matches in a path when a viewset names no ``lookup_value_regex``.
ROUTER_LOOKUP = "^[^/.]+$"


def answers(*codes: str):
    """Declare error statuses an action answers beyond those its shape implies, e.g. a
    create that answers 404 when its body names a candidate not the caller's, or a delete
    refused by the state of what it deletes (409)."""
    unknown = set(codes) - set(ERRORS)
    if unknown:
        raise ValueError(f"No error shape for {sorted(unknown)}: add it to ERRORS.")

    def declare(function):
        function.answers = (*getattr(function, "answers", ()), *codes)
        return function

    return declare


def _takes_idempotency_key(path: str) -> bool:
    from portal.api.idempotency import takes_key

    return takes_key(path)


class PortalAutoSchema(AutoSchema):
    """Documents the errors an operation can answer besides its success, from what the view
    declares: who may call it, its path parameters, its body, its parsers and throttles."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] == "path" and schema.get("type") == "string":
                # Anything else never reaches the API: the URL does not match.
                schema.setdefault("pattern", ROUTER_LOOKUP)
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            description, shapes = ERRORS[code]
            for shape in shapes:
                self.registry.register_on_missing(shape)
            refs = [shape.ref for shape in shapes]
            schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
            responses.setdefault(
                code,
                {"content": {"application/json": {"schema": schema}}, "description": description},
            )
        return responses

    def _error_codes(self) -> list[str]:
        view = self.view
        has_path = "{" in self.path
        has_body = self.method in ("POST", "PUT", "PATCH")
        codes = []
        if has_body or self.get_filter_backends() or self._is_list_view():
            codes.append("400")
        if not all(isinstance(p, AllowAny) for p in view.get_permissions()):
            codes += ["401", "403"]
        elif getattr(view, "throttle_classes", None) or has_body:
            codes.append("403")
        if has_path or self._is_list_view():
            # A detail that is not yours, or a page past the last.
            codes.append("404")
        if has_body and (has_path or self.method == "POST"):
            # A move the status does not allow, or a repeat while the first is in flight.
            codes.append("409")
        if self.method == "POST" and _takes_idempotency_key(self.path):
            codes.append("422")
        if has_body:
            if any(issubclass(p, MultiPartParser) for p in view.parser_classes):
                codes.append("413")
            codes.append("415")
        if getattr(view, "throttle_classes", None):
            codes.append("429")
        handler = getattr(view, getattr(view, "action", None) or self.method.lower(), None)
        declared = getattr(handler, "answers", ())
        return [code for code in ERRORS if code in codes or code in declared]
