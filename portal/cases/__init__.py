"""The case kit: what every case type (complaint, application, enquiry, request ...) shares.

See ``portal/cases/README.md`` for how a new case type plugs in.
"""
