"""Swedish texts of the leaders' dashboard.

Registered by the composition (nara.parts), not on import."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "dashboard.title": "Uppföljning av nära vård",
    "dashboard.intro": (
        "Indikatorerna för omställningen till nära vård i fyra dimensioner: tillgänglighet, kontinuitet, "
        "samordning och proaktivitet. Varje tal visas med sin definition."
    ),
    "dashboard.aggregated": "Du ser bara sammanställda uppgifter, aldrig enskilda personer.",
    "dashboard.synthetic": "Syntetiska data – inga verkliga personer.",
    "dashboard.data_about": (
        "Beräknat från {what} för {period}. Indikatorkatalog version {catalogue}, beräknad {computed}."
    ),
    "dashboard.data_synthetic": "ett syntetiskt dataset ({region}, skala {scale}, frö {seed})",
    "dashboard.data_imported": "inlästa vårddata",
    "dashboard.region": "Regionen",
    "dashboard.area.label": "Område",
    "dashboard.area.button": "Visa",
    "dashboard.area.legend": "Välj region eller kommun",
    "dashboard.area.heading": "{area}",
    "dashboard.unknown_area": "Kommunen finns inte bland resultaten.",
    "dashboard.unknown_indicator": "Indikatorn finns inte bland resultaten.",
    "dashboard.suppressed": "färre än {n} – visas inte",
    "dashboard.no_value": "uppgift saknas",
    "dashboard.hidden": "visas inte",
    "dashboard.dimension.tillgänglighet": "Tillgänglighet",
    "dashboard.dimension.kontinuitet": "Kontinuitet",
    "dashboard.dimension.samordning": "Samordning",
    "dashboard.dimension.proaktivitet": "Proaktivitet",
    "dashboard.col.indicator": "Indikator",
    "dashboard.latest": "Senaste månaden ({month})",
    "dashboard.whole": "Hela perioden ({period})",
    "dashboard.trend": "Trend",
    "dashboard.trend.up": "ökar",
    "dashboard.trend.down": "minskar",
    "dashboard.trend.flat": "oförändrad",
    "dashboard.trend.unknown": "kan inte bedömas",
    "dashboard.trend.judged.better": "{trend} – en förbättring",
    "dashboard.trend.judged.worse": "{trend} – en försämring",
    "dashboard.trend.explained": (
        "Trend: medelvärdet för de tre senaste månaderna jämfört med de tre månaderna före. En förändring under "
        "2 procent räknas som oförändrad. Trenden kan inte bedömas när någon av månaderna saknas eller visas "
        "inte. Vid varje indikator står om förändringen är en förbättring eller en försämring; för antalet "
        "kontakter (T3) är mer varken bättre eller sämre i sig."
    ),
    "dashboard.target": "Mål",
    "dashboard.target.value": "minst {value}",
    "dashboard.target.met": "målet nås",
    "dashboard.target.not_met": "målet nås inte",
    "dashboard.target.none": "inget nationellt mål",
    "dashboard.not_computed": "Beräknas inte: underlaget saknas i data. Källa: {source}",
    "dashboard.suppression_note": (
        "Celler med färre än {n} händelser redovisas inte, varken värde, täljare eller nämnare."
    ),
    "dashboard.period.year": "helåret {year}",
    "dashboard.period.window": "{start} – {end}",
    # states without results
    "dashboard.state.no_data.title": "Inga indikatordata ännu",
    "dashboard.state.no_data.text": (
        "Det finns inga vårddata att beräkna indikatorerna från. Demot skapar ett syntetiskt Örebro län när det "
        "startar; riktiga data läses in i samma format som de syntetiska i mappen {dir}."
    ),
    "dashboard.state.computing.title": "Indikatorerna beräknas",
    "dashboard.state.computing.text": (
        "Resultaten räknas fram ur vårddata. Det tar oftast mindre än en minut. Ladda om sidan om en stund."
    ),
    "dashboard.state.reload": "Ladda om sidan",
    "dashboard.state.failed.title": "Indikatorerna kunde inte beräknas",
    "dashboard.state.failed.text": (
        "Beräkningen misslyckades. Felet är loggat. Kontrollera vårddata i mappen {dir} och starta om tjänsten."
    ),
    # indicator page
    "dashboard.back": "Till översikten",
    "dashboard.indicator_title": "{id} {name}",
    "dashboard.dimension_of": "Dimension: {dimension}",
    "dashboard.definition": "Definition",
    "dashboard.def.numerator": "Täljare",
    "dashboard.def.denominator": "Nämnare",
    "dashboard.def.source": "Källa",
    "dashboard.def.unit": "Enhet",
    "dashboard.def.target": "Nationellt mål",
    "dashboard.def.reference": "Referensvärde",
    "dashboard.def.valueset": "Värdemängd",
    "dashboard.def.valueset_text": "{name}, version {version}. Källa: {source}",
    "dashboard.def.standardised": "Åldersstandardisering",
    "dashboard.def.standardised_text": (
        "Talet redovisas både ojusterat och direkt åldersstandardiserat mot {name} ({source})."
    ),
    "dashboard.def.suppression": "Små tal",
    "dashboard.def.suppression_text": "Celler med färre än 20 händelser visas inte.",
    "dashboard.parent": "Delindikator till {link}",
    "dashboard.children": "Delindikatorer",
    "dashboard.now": "Läget",
    "dashboard.trend_title": "Utveckling per månad",
    "dashboard.compare_title": "Kommunerna jämförda",
    "dashboard.compare_std_note": (
        "Diagrammet jämför åldersstandardiserade värden, så att kommuner med olika åldersstruktur kan jämföras. "
        "Tabellen visar båda."
    ),
    "dashboard.drill_title": "Fördjupning",
    "dashboard.export_title": "Ladda ner",
    "dashboard.export_text": "Alla rader för {id} (månader och hela perioden, alla grupperingar):",
    "dashboard.export_all": "Alla indikatorer:",
    "dashboard.export.csv": "CSV",
    "dashboard.export.xlsx": "Excel (XLSX)",
    "dashboard.export.json": "JSON",
    "dashboard.export.label": "{id} som {format}",
    "dashboard.export.all_label": "alla indikatorer som {format}",
    "dashboard.table.month": "Månad",
    "dashboard.table.value": "Värde",
    "dashboard.table.value_crude": "Ojusterat",
    "dashboard.table.value_std": "Åldersstandardiserat",
    "dashboard.table.numerator": "Täljare",
    "dashboard.table.denominator": "Nämnare",
    "dashboard.table.target": "Mål",
    "dashboard.table.kommun": "Kommun",
    "dashboard.table.region_value": "{region}",
    "dashboard.table.trend_caption": "{name}, {area}, per månad ({unit})",
    "dashboard.table.compare_caption": "{name} per kommun, {period} ({unit})",
    "dashboard.table.selected": "vald",
    "dashboard.drill.sex": "Efter kön",
    "dashboard.drill.age": "Efter åldersgrupp",
    "dashboard.drill.units": "Vårdcentraler i {area}",
    "dashboard.drill.by_sex": "efter kön",
    "dashboard.drill.by_age": "efter åldersgrupp",
    "dashboard.drill.by_unit": "per vårdcentral",
    "dashboard.drill.caption": "{name} {by}, {area}, {period} ({unit})",
    "dashboard.drill.head_sex": "Kön",
    "dashboard.drill.head_age": "Åldersgrupp",
    "dashboard.drill.head_unit": "Vårdcentral",
    "dashboard.drill.more": (
        "Välj en kommun ovan för att se dess vårdcentraler. Kön och åldersgrupp redovisas för hela regionen."
    ),
    "dashboard.drill.none": "Inga vårdcentraler med resultat.",
    "dashboard.chart.trend_title": "{name}, {area}, per månad",
    "dashboard.chart.trend_desc": (
        "Linjediagram över {name} i {area} från {first} till {last}. {range}{target}{suppressed}"
        "Samma uppgifter finns i tabellen under diagrammet."
    ),
    "dashboard.chart.range": "Lägsta värdet är {low} och högsta {high}. ",
    "dashboard.chart.no_values": "Inga värden kan visas. ",
    "dashboard.chart.target_line": "Den streckade linjen är det nationella målet, {target}. ",
    "dashboard.chart.some_suppressed": "Månader med {text} saknar punkt. ",
    "dashboard.chart.some_suppressed_bars": "Kommuner med {text} saknar stapel. ",
    "dashboard.chart.compare_title": "{name} per kommun, {period}",
    "dashboard.chart.compare_desc": (
        "Stapeldiagram över {name} per kommun, {period}, {what}. Den prickade linjen är {region}, {region_value}. "
        "{target}{suppressed}Samma uppgifter finns i tabellen under diagrammet."
    ),
    "dashboard.chart.std_values": "åldersstandardiserade värden",
    "dashboard.chart.crude_values": "ojusterade värden",
    "dashboard.chart.reference": "{region} {value}",
    "dashboard.chart.selected": "(vald)",
    "dashboard.chart.legend": "Diagrammets tecken",
    # the demo (nara demo)
    "dashboard.demo.generating": "Syntetiska indikatordata för Örebro län (skala {scale})",
    "dashboard.demo.computing": "Beräknar indikatorerna för uppföljningen",
    "dashboard.demo.ready": "Uppföljningen: {rows} indikatorrader beräknade på {seconds} s och sparade.",
    "dashboard.demo.cached": "Uppföljningen: {rows} indikatorrader fanns redan beräknade.",
}
