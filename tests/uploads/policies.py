"""The QA app's evidence policy, where the upload tests have always found it."""

from qa.policies import QA_EVIDENCE

__all__ = ["QA_EVIDENCE"]
