"""The leaders' dashboard of the Uppföljningsmodell (DOMAIN.md §6–§7).

``service.results`` computes the indicator rows once with the engine (nara.indicators.service) and caches them
beside the data; ``model`` holds the page rules (formatting, trend, target status, suppression text) without any
framework, and ``model.charts`` draws accessible SVG on the server; ``service`` builds what a page shows;
``pages`` are the pages under /uppfoljning (roles LEADER and ADMIN).

Only aggregated numbers are shown, never a person: cells with fewer than 20 events are withheld by the engine
and shown as "färre än 20 – visas inte" (DOMAIN §7).
"""
