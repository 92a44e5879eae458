"""The leaders' dashboard of the Uppföljningsmodell (DOMAIN.md §6–§7).

``results`` computes the indicator rows once with the engine (nara.indicators) and caches them beside the data;
``model`` holds the page rules (formatting, trend, target status, suppression text) without any framework;
``service`` builds what a page shows; ``charts`` draws accessible SVG on the server; ``views`` are the pages
under /uppfoljning (roles LEADER and ADMIN).

Only aggregated numbers are shown, never a person: cells with fewer than 20 events are withheld by the engine
and shown as "färre än 20 – visas inte" (DOMAIN §7).
"""
