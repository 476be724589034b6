"""What a use of uploads accepts, declared once by the app that owns the use.

A policy is data: a list of rules, each naming one content type (as detected from the
file's bytes, never as announced by the browser), the file extensions that go with it, a
label people understand and the size limit for that type::

    ATTACHMENTS = UploadPolicy(
        "complaint attachments",
        [
            FileRule("application/pdf", [".pdf"], "PDF", from_setting("MAX_BYTES")),
            *group("Images", 15 * MB, {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"]}),
        ],
    )
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

Limit = int | Callable[[], int]


@dataclass(frozen=True)
class SettingLimit:
    """A size limit read from a setting each time it is checked (so an override applies)."""

    name: str

    def __call__(self) -> int:
        return getattr(settings, self.name)


def from_setting(name: str) -> SettingLimit:
    return SettingLimit(name)


@dataclass(frozen=True)
class FileRule:
    content_type: str
    extensions: tuple[str, ...]
    label: str
    max_bytes: Limit

    def __init__(self, content_type: str, extensions: Iterable[str], label: str, max_bytes: Limit):
        extensions = tuple(extension.lower() for extension in extensions)
        if not extensions or not all(e.startswith(".") and len(e) > 1 for e in extensions):
            raise ImproperlyConfigured(
                f"{content_type}: give its extensions with their dot, e.g. ['.pdf']."
            )
        if not isinstance(max_bytes, int) and not callable(max_bytes):
            raise ImproperlyConfigured(f"{content_type}: the size limit is bytes or a callable.")
        object.__setattr__(self, "content_type", content_type.lower())
        object.__setattr__(self, "extensions", extensions)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "max_bytes", max_bytes)

    @property
    def limit(self) -> int:
        return self.max_bytes() if callable(self.max_bytes) else self.max_bytes


def group(label: str, max_bytes: Limit, types: Mapping[str, Iterable[str]]) -> list[FileRule]:
    """Several content types under one label and one limit, as a published table lists them
    ("Images: .jpg .png .gif, 15 MB")."""
    return [
        FileRule(content_type, extensions, label, max_bytes)
        for content_type, extensions in types.items()
    ]


@dataclass(frozen=True)
class UploadPolicy:
    name: str
    rules: tuple[FileRule, ...]
    # The form or API field the files come in: refusals are reported against it.
    field: str

    def __init__(self, name: str, rules: Iterable[FileRule], *, field: str = "files"):
        rules = tuple(rules)
        if not rules:
            raise ImproperlyConfigured(f"The upload policy {name!r} accepts nothing.")
        types = [rule.content_type for rule in rules]
        repeated = sorted({t for t in types if types.count(t) > 1})
        if repeated:
            # One limit and one label per detected type, or a check could answer either.
            raise ImproperlyConfigured(f"{name}: {', '.join(repeated)} declared twice.")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "field", field)

    def rule_for(self, content_type: str) -> FileRule | None:
        return next((rule for rule in self.rules if rule.content_type == content_type), None)

    def rules_for_extension(self, extension: str) -> list[FileRule]:
        return [rule for rule in self.rules if extension.lower() in rule.extensions]

    @property
    def extensions(self) -> list[str]:
        return list(dict.fromkeys(e for rule in self.rules for e in rule.extensions))

    @property
    def accept(self) -> str:
        """For the ``accept`` attribute of a file input."""
        return ",".join(self.extensions)

    @property
    def largest(self) -> int:
        return max(rule.limit for rule in self.rules)

    def describe(self) -> str:
        """What is accepted, in words: "PDF (.pdf), Word (.doc, .docx) up to 10 MB; …"."""
        labels: dict[tuple[str, int], list[str]] = {}
        for rule in self.rules:
            labels.setdefault((rule.label, rule.limit), []).extend(rule.extensions)
        limits = {limit for _, limit in labels}
        parts = []
        for (label, limit), extensions in labels.items():
            part = f"{label} ({', '.join(dict.fromkeys(extensions))})"
            if len(limits) > 1:
                part += f" up to {format_size(limit)}"
            parts.append(part)
        text = "; ".join(parts)
        if len(limits) == 1:
            text += f", up to {format_size(limits.pop())} each"
        return text


def format_size(size: int) -> str:
    """Sizes as people read them, in binary units as the limits are set: 10 MB, 1.5 GB."""
    for unit, factor in (("GB", GB), ("MB", MB), ("KB", KB)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


# Policies by name, so that an upload started in one process is checked by the same policy
# in another: a policy used for resumable uploads is registered where it is declared.
_REGISTERED: dict[str, UploadPolicy] = {}


def register_policy(policy: UploadPolicy) -> UploadPolicy:
    """``QA_EVIDENCE = register_policy(UploadPolicy(...))``: make the policy findable by its
    name (``policy_named``). Registering the same policy again does nothing; another policy
    under a name already taken is a mistake."""
    known = _REGISTERED.setdefault(policy.name, policy)
    if known != policy:
        raise ImproperlyConfigured(f"Two upload policies are called {policy.name!r}.")
    return policy


def policy_named(name: str) -> UploadPolicy:
    try:
        return _REGISTERED[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No upload policy called {name!r} is registered; declare it with register_policy "
            f"in a module every process imports (the app's api or models)."
        ) from None
