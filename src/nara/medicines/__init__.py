"""Läkemedel (DOMAIN §2: medication is one of the knowledge areas of the Patientkontrakt): the person's current
medication list, the changes at discharge with their reasons (läkemedelsberättelse) and recorded
läkemedelsgenomgångar. Synthetic data only."""
