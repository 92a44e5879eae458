"""Synthetic region generator (SYNTETISKA DATA — inga verkliga personer).

Generates a calibrated synthetic population of a region (or the synthetic nation) with one year of
primary-care contacts, contact requests (T2), vårdgaranti episodes, inpatient stays, discharge processes and
interventions, as Parquet files in the import format described in docs/data-format.md. Calibration:
calibration.py. Other parts use it through :mod:`nara.synth.service`.
"""
