"""The Uppföljningsmodell's indicator engine (DOMAIN.md §7): T1–T3, K1–K5, S1–S4, P1–P5.

Its public face is :mod:`nara.indicators.service` (catalogue, compute, write_report, ...); the pure rules and
the Ibis definitions are :mod:`nara.indicators.model`; loading data into a backend is
:mod:`nara.indicators.store`. This package imports nothing, so importing the model stays light.
"""
