"""Mätvärden the person reports (and staff record): blood pressure, pulse, weight, blood glucose, oxygen
saturation and a symptom score, with units as UCUM codes, plausibility ranges, target ranges set by the team, a task
for the team when a value falls outside its target, and charts with a data table. Category MATVARDEN (DOMAIN §5)."""
