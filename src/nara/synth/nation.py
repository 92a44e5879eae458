"""Build the synthetic nation data file ``nara/directory/data/regions/sweden.json``.

SYNTETISKA DATA. Sweden as one data file for load scale tests: Örebro län's 12 real municipalities
(copied from orebro.json, DOMAIN §8) plus 278 *invented* municipalities in 20 *invented* regions, so that
the nation has 290 municipalities, 21 regions and 10 587 710 inhabitants (DOMAIN §8). Invented names are
made from Swedish place-name parts and checked not to equal a real municipality's name; invented
municipality codes are four digits whose first two (30–49) are not an SCB county code, so they cannot
collide with a real kommun code. Invented hospitals are called "Syntetiska …".

The file is generated once and committed; run ``python -m nara.synth.nation`` to rebuild it. The
builder is deterministic (fixed seed) and uses no randomness from the caller.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np

SWEDEN_POPULATION = 10_587_710  # DOMAIN §8 (2024)
N_MUNICIPALITIES = 290
N_REGIONS = 21
NATIONAL_SHARE_65 = 0.203  # SCB 2023, ~20 % (brief; (verify))
_SEED = 20241231

# Relative sizes of the 20 invented regions (shape of the Swedish regions, largest first; not their sizes).
_REGION_WEIGHTS = (
    24.0,
    17.5,
    14.0,
    5.9,
    4.8,
    4.7,
    4.3,
    4.1,
    3.7,
    3.5,
    3.3,
    3.0,
    2.9,
    2.9,
    2.8,
    2.5,
    2.5,
    1.6,
    1.3,
    0.6,
)
_REGION_NAMES = (
    "Storstads",
    "Västkust",
    "Söderslätt",
    "Mälardal",
    "Östersjö",
    "Bergslags",
    "Skogsbygd",
    "Älvdal",
    "Kustlands",
    "Sjölands",
    "Höglands",
    "Mellanbygd",
    "Slättbygd",
    "Norrskogs",
    "Fjällbygd",
    "Ådals",
    "Myrlands",
    "Hedbygd",
    "Skärgårds",
    "Ö-lands",
)
_PREFIXES = (
    "Björk",
    "Ek",
    "Sjö",
    "Berg",
    "Lund",
    "Gran",
    "Al",
    "Asp",
    "Hag",
    "Löv",
    "Dal",
    "Ström",
    "Vik",
    "Mos",
    "Rön",
    "Lin",
    "Hög",
    "Sol",
    "Norr",
    "Sör",
    "Väster",
    "Öster",
    "Ljung",
    "Hassel",
    "Lärk",
    "Fur",
    "Ren",
    "Tran",
    "Svan",
    "Ull",
    "Varg",
    "Örn",
    "Kvarn",
    "Silver",
    "Guld",
    "Koppar",
    "Järn",
    "Sten",
    "Flod",
    "Strand",
    "Ängs",
    "Myr",
    "Kärr",
    "Hed",
    "Skog",
    "Fjäll",
    "Backa",
    "Holm",
    "Näs",
    "Rosen",
    "Lilje",
    "Tall",
    "Alm",
    "Hjort",
    "Bäver",
    "Falk",
    "Trast",
    "Klöver",
    "Malm",
    "Bro",
)
_SUFFIXES = (
    "by",
    "berga",
    "holm",
    "stad",
    "köping",
    "sjö",
    "vik",
    "fors",
    "dal",
    "ås",
    "torp",
    "hult",
    "näs",
    "sund",
    "bo",
    "hamn",
    "mark",
    "lunda",
    "bro",
    "å",
    "heden",
    "tuna",
    "inge",
    "ryd",
    "åker",
    "vall",
    "lid",
    "skog",
    "bäck",
    "strand",
)
# Every real municipality name the part lists can form (checked against SCB's list of 290); never
# generated, so that invented data is not mistaken for facts about a real place (DOMAIN §8).
_REAL_NAMES_TO_AVOID = frozenset(
    {
        "Eksjö",
        "Hagfors",
        "Linköping",
        "Ljungby",
        "Norrköping",
        "Nässjö",
        "Sjöbo",
        "Strömstad",
        "Strömsund",
        "Tranås",
        "Västervik",
        "Västerås",
        "Östersund",
        "Österåker",
    }
)
_VC_PARTS = (
    "Centrum",
    "Norra",
    "Södra",
    "Östra",
    "Västra",
    "Hamnen",
    "Parken",
    "Ängen",
    "Backen",
    "Dalen",
    "Torget",
    "Stationen",
    "Bäcken",
    "Lunden",
    "Gläntan",
    "Kvarnen",
    "Bryggan",
    "Slätten",
)


def _invent_names(rng: np.random.Generator, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = _PREFIXES[rng.integers(len(_PREFIXES))] + _SUFFIXES[rng.integers(len(_SUFFIXES))]
        name = name.replace("aa", "a").replace("åå", "å").replace("sjösjö", "sjö").replace("rrr", "rr")
        if name in seen or name in _REAL_NAMES_TO_AVOID:
            continue
        seen.add(name)
        names.append(name)
    return names


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights that sum exactly to total (largest remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    rest = total - int(out.sum())
    out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


def build_sweden() -> dict:
    """The synthetic nation as a region document in the format of orebro.json."""
    orebro = json.loads(
        (resources.files("nara.directory") / "data" / "regions" / "orebro.json").read_text(encoding="utf-8")
    )
    rng = np.random.default_rng(_SEED)
    orebro_pop = sum(m["population"] for m in orebro["municipalities"])
    synth_total = SWEDEN_POPULATION - orebro_pop
    n_synth_munis = N_MUNICIPALITIES - len(orebro["municipalities"])
    n_synth_regions = N_REGIONS - 1

    region_pop = _split(synth_total, np.asarray(_REGION_WEIGHTS))
    region_munis = np.maximum(1, _split(n_synth_munis, region_pop.astype(float) ** 0.6))
    region_munis[0] += n_synth_munis - int(region_munis.sum())
    names = iter(_invent_names(rng, n_synth_munis + 10))

    municipalities: list[dict] = []
    hospitals: list[dict] = []
    for m in orebro["municipalities"]:
        municipalities.append({**m, "lansdel": f"{orebro['name']}: {m['lansdel']}", "region": orebro["name"]})
    hospitals.extend(orebro["hospitals"])

    for r in range(n_synth_regions):
        region_name = f"Region {_REGION_NAMES[r]} (syntetisk)"
        county_code = 30 + r
        k = int(region_munis[r])
        # One central city, the rest log-normal: the skewed sizes of Swedish municipalities.
        weights = rng.lognormal(0.0, 0.8, size=k)
        if k > 1:
            weights[0] = weights[1:].sum() * (0.6 if k > 20 else 0.35)
        pops = _split(int(region_pop[r]), weights)
        order = np.argsort(-pops, kind="stable")
        pops = pops[order]
        n_hosp = int(np.clip(round(region_pop[r] / 250_000) + 1, 1, 7))
        n_hosp = min(n_hosp, k)
        n_parts = min(n_hosp, 3)
        part_names = ("Centrala", "Norra", "Södra")[:n_parts]
        part_of = np.concatenate([np.arange(n_parts), rng.integers(0, n_parts, size=max(0, k - n_parts))])
        muni_names = [next(names) for _ in range(k)]
        for j in range(k):
            pop = int(pops[j])
            share = float(np.clip(0.29 - 0.022 * math.log(pop / 10_000) + rng.normal(0, 0.015), 0.13, 0.36))
            n_vc = max(1, round(pop / 9000))
            vcs = []
            for v in range(n_vc):
                private = pop > 50_000 and rng.random() < 0.3
                part = _VC_PARTS[v % len(_VC_PARTS)] + (
                    "" if v < len(_VC_PARTS) else f" {v // len(_VC_PARTS)}"
                )
                base = muni_names[j] if v == 0 else f"{muni_names[j]} {part}"
                vcs.append(
                    {
                        "name": f"Hälsocentralen {base} (privat)" if private else f"Vårdcentralen {base}",
                        "private": bool(private),
                    }
                )
            municipalities.append(
                {
                    "kommun_code": f"{county_code}{j + 1:02d}",
                    "name": muni_names[j],
                    "population": pop,
                    "share_65_plus": share,
                    "lansdel": f"{region_name}: {part_names[part_of[j]]}",
                    "region": region_name,
                    "vardcentraler": vcs,
                }
            )
        for h in range(n_hosp):
            host = h if h < n_parts else 0
            city = muni_names[host]
            if h == 0:
                kind = "universitetssjukhuset" if region_pop[r] > 400_000 else "centrallasarettet"
                name = f"Syntetiska {kind} i {city}"
            elif h < n_parts:
                name = f"Syntetiska lasarettet i {city}"
            else:
                side = ("Norra", "Södra", "Östra", "Västra")[(h - n_parts) % 4]
                name = f"Syntetiska sjukhuset {side} i {city}"
            hospitals.append(
                {
                    "name": name,
                    "short_name": name.removeprefix("Syntetiska ").capitalize(),
                    "kommun_code": f"{county_code}{host + 1:02d}",
                    "emergency_department": True,
                }
            )

    # Impose the national 65+ share on the invented municipalities (Örebro's stay as in DOMAIN §8).
    pops = np.array([m["population"] for m in municipalities], dtype=float)
    shares = np.array([m["share_65_plus"] for m in municipalities])
    synth = np.arange(len(municipalities)) >= len(orebro["municipalities"])
    need = NATIONAL_SHARE_65 * pops.sum() - (pops[~synth] * shares[~synth]).sum()
    shares[synth] *= need / (pops[synth] * shares[synth]).sum()
    for m, s in zip(municipalities, shares, strict=True):
        m["share_65_plus"] = round(float(s), 3)

    return {
        "_comment": (
            "SYNTETISKA DATA — synthetic nation for load tests. Only Örebro län's 12 municipalities "
            "(codes 18xx) and its 3 hospitals are real facts (DOMAIN.md §8); the other 278 "
            "municipalities, their names, populations, 65+ shares, codes (30xx–49xx: no such SCB "
            "county exists), vårdcentraler and hospitals are INVENTED. Totals match DOMAIN §8: "
            "10 587 710 inhabitants, 290 municipalities, 21 regions. Here 'lansdel' is "
            "'<region name>: <part of the region>'. Built by `python -m nara.synth.nation`."
        ),
        "synthetic": True,
        "code": "00",
        "name": "Sverige (syntetisk nation)",
        "county_name": "Sverige",
        "population_date": orebro["population_date"],
        "population_total": int(sum(m["population"] for m in municipalities)),
        "sources": [
            "Örebro län: see orebro.json (DOMAIN.md §8)",
            "Totals: DOMAIN.md §8; everything else invented by nara.synth.nation",
        ],
        "municipalities": municipalities,
        "hospitals": hospitals,
    }


def main() -> None:
    path = Path(str(resources.files("nara.directory") / "data" / "regions" / "sweden.json"))
    doc = build_sweden()
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}: {len(doc['municipalities'])} municipalities, {doc['population_total']} inhabitants")


if __name__ == "__main__":
    main()
