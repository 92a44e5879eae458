"""Swedish texts of the indicator reports and the `nara indicators` command, merged into the one catalogue."""

from __future__ import annotations

from nara.auth.messages import merge_messages
from nara.core.i18n import SV

MESSAGES: dict[str, str] = {
    "indicators.report.title": "Uppföljning av nära vård – indikatorer",
    "indicators.report.synthetic": "SYNTETISKA DATA – inga verkliga personer.",
    "indicators.report.about": "Om rapporten",
    "indicators.report.window": "Analysfönster",
    "indicators.report.period_kind": "Periodtyp",
    "indicators.report.groupings": "Grupperingar",
    "indicators.report.backend": "Beräkningsmotor",
    "indicators.report.generated": "Skapad",
    "indicators.report.catalogue_version": "Indikatorkatalog, version",
    "indicators.report.suppression": (
        "Celler med färre än {n} händelser redovisas inte: värde, täljare och nämnare döljs och markeras "
        "med ”–”."
    ),
    "indicators.report.standard_population": "Åldersstandardisering (direkt) mot {name}.",
    "indicators.report.person_years": (
        "Tal per invånare avser personår: befolkningen vid analysfönstrets början × periodens längd i dagar / 365."
    ),
    "indicators.report.contents": "Innehåll",
    "indicators.report.definition": "Definition",
    "indicators.report.numerator": "Täljare",
    "indicators.report.denominator": "Nämnare",
    "indicators.report.source": "Källa",
    "indicators.report.unit": "Enhet",
    "indicators.report.target": "Mål",
    "indicators.report.reference": "Nationellt referensvärde",
    "indicators.report.valueset": "Värdemängd",
    "indicators.report.caption": "{name} ({id}) per {grouping}, {unit}",
    "indicators.report.col.group": "Grupp",
    "indicators.report.col.period": "Period",
    "indicators.report.col.numerator": "Täljare",
    "indicators.report.col.denominator": "Nämnare",
    "indicators.report.col.value": "Värde",
    "indicators.report.col.value_std": "Åldersstandardiserat",
    "indicators.report.col.suppressed": "Dold",
    "indicators.report.suppressed_cell": "dold: färre än {n} händelser",
    "indicators.report.no_rows": "Inga rader.",
    "indicators.grouping.region": "region",
    "indicators.grouping.lansdel": "länsdel",
    "indicators.grouping.kommun": "kommun",
    "indicators.grouping.vardcentral": "vårdcentral",
    "indicators.grouping.kon": "kön",
    "indicators.grouping.aldersgrupp": "åldersgrupp",
    "indicators.grouping.glesbygd": "glesbygd eller tätort",
    "indicators.grouping.utsatt_omrade": "socioekonomiskt utsatt område",
    "indicators.cli.progress": "Beräknar indikatorer ({backend})",
    "indicators.cli.written": "Skrev {rows} rader till {out} ({seconds} s).",
    "indicators.cli.bad_date": "Ange datum som ÅÅÅÅ-MM-DD.",
}

merge_messages(SV, MESSAGES)
