"""Utskrivning: the lag (2017:612) discharge process (DOMAIN §4).

The pure core, no I/O beyond reading the packaged agreement files:

- :mod:`nara.discharge.agreement` — regional agreements as versioned TOML data (``agreements/``) and which is in force;
- :mod:`nara.discharge.deadlines` — due times from an agreement's rules (calendar days, hours, DST, cut-offs);
- :mod:`nara.discharge.process` — the process as a state machine over its event history, and its worklist status;
- :mod:`nara.discharge.payment` — betalningsansvar per municipality and month, with the trail of dates per patient;
- :mod:`nara.discharge.payment_export` — the payment report as CSV and XLSX.
"""

from nara.discharge import messages as _messages  # noqa: F401  (registers the discharge texts in the catalogue)
