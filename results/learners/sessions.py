"""The portal's sessions: Django's, kept in the database, that forget a learner's session
remembered for results day (remembered.py) when it ends one by one (signed out, flushed,
its key cycled at sign-in). Sessions cleared in bulk (``clearsessions``) have expired, which
every read of a memory checks, so clearing stays one ``DELETE``."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db

from results.learners import remembered


class SessionStore(db.SessionStore):
    def delete(self, session_key=None):
        key = session_key or self.session_key
        if key is None:
            return
        # Its person as this store holds it (the session's own data, or, when its key is
        # cycled, the data it carries over): their sessions remembered by reads that checked
        # this one are forgotten too.
        user_id = str((getattr(self, "_session_cache", None) or {}).get(SESSION_KEY, ""))
        super().delete(key)
        remembered.forget_session(key, user_id=int(user_id) if user_id.isdigit() else None)
