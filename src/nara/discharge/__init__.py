"""Utskrivning: the lag (2017:612) discharge process (DOMAIN §4).

- :mod:`nara.discharge.model` — the pure rules: agreements, deadlines, the process, betalningsansvar;
- :mod:`nara.discharge.store` — the part's own tables;
- :mod:`nara.discharge.service` — the use cases, the part's public face;
- :mod:`nara.discharge.api` (JSON) and :mod:`nara.discharge.pages` (HTML, staff and resident), with ``templates/``;
- :mod:`nara.discharge.demo` — a demo discharge; :mod:`nara.discharge.messages` — the Swedish texts.
"""
