"""Swedish texts of the indicator reports and the `nara indicators` command.

Registered by the composition (nara.parts), not on import."""

from __future__ import annotations

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
    "indicators.report.reference_not_comparable": (
        "perioder där 18-månadersfönstret är ofullständigt är ej jämförbara med referensvärdet och markeras i tabellen"
    ),
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
    "indicators.export.yes": "ja",
    "indicators.export.no": "nej",
    "indicators.period_kind.month": "månad",
    "indicators.period_kind.quarter": "kvartal",
    "indicators.period_kind.year": "år",
    "indicators.period_kind.rolling12": "rullande 12 månader",
    "indicators.period_kind.rolling18": "rullande 18 månader",
    "indicators.period_kind.rolling36": "rullande 36 månader",
    "indicators.period_kind.window": "hela analysfönstret",
    "indicators.dimension.tillgänglighet": "Tillgänglighet",
    "indicators.dimension.kontinuitet": "Kontinuitet",
    "indicators.dimension.samordning": "Samordning",
    "indicators.dimension.proaktivitet": "Proaktivitet",
    "indicators.kind.share": "andel",
    "indicators.kind.rate": "antal per invånare",
    "indicators.kind.mean": "medelvärde",
    "indicators.cli.progress": "Beräknar indikatorer ({backend})",
    "indicators.cli.written": "Skrev {rows} rader till {out} ({seconds} s).",
    "indicators.cli.bad_date": "Ange datum som ÅÅÅÅ-MM-DD.",
    "indicators.input.heading": (
        "Indata följer inte dataformatet (version {version}). Inget har beräknats och ingen fil har skrivits."
    ),
    "indicators.input.missing_file": "Filen {file} saknas i {dir}.",
    "indicators.input.unreadable": "{file} går inte att läsa som en Parquet-fil.",
    "indicators.input.missing_column": "{file}: kolumnen {column} saknas.",
    "indicators.input.wrong_type": "{file}: kolumnen {column} har typen {found} men ska vara {expected}.",
    "indicators.input.null": (
        "{file}: kolumnen {column} saknar värde där ett värde krävs. Första felaktiga rader: {rows}."
    ),
    "indicators.input.unknown_code": (
        "{file}: kolumnen {column} har okända koder. Första felaktiga rader: {rows}. Tillåtna koder: {allowed}."
    ),
    "indicators.input.duplicate_id": (
        "{file}: kolumnen {column} har samma id på flera rader. Första felaktiga rader: {rows}."
    ),
    "indicators.input.row": "rad {row}",
    "indicators.input.type.int64": "heltal ({arrow})",
    "indicators.input.type.integer": "heltal av annan storlek ({arrow})",
    "indicators.input.type.bool": "sant/falskt ({arrow})",
    "indicators.input.type.date": "datum ({arrow})",
    "indicators.input.type.date_other": "datum i annan form ({arrow})",
    "indicators.input.type.timestamp": "tidpunkt ({arrow})",
    "indicators.input.type.float": "decimaltal ({arrow})",
    "indicators.input.type.string": "text ({arrow})",
    "indicators.input.type.list": "lista av {inner}",
    "indicators.continuity.not_comparable": "ej jämförbar: 18-månadersfönstret är ofullständigt",
}
