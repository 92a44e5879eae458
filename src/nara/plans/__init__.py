"""The Patientkontrakt: one shared plan for the person, the region and the municipality, including SIP (DOMAIN §2–3)."""
