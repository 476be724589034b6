"""Email in: messages piped from a mail server (``manage.py receive_email``) or fetched from
an IMAP mailbox (``INBOUND_IMAP_URL``), stored whole before anything else, then routed to
a case. See ``portal.mailin.services``."""
