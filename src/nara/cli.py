"""The `nara` command. Swedish for the people who run it; long work shows progress."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nara.core.errors import NaraError
from nara.core.settings import get_settings
from nara.parts import load_catalogue

app = typer.Typer(help="Nära — öppen plattform för nära vård.", no_args_is_help=True, add_completion=False)


@app.callback()
def _start() -> None:
    """Every command speaks Swedish from the one catalogue: the parts' texts are registered first."""
    load_catalogue()


db_app = typer.Typer(help="Databasens schema (Alembic-migreringar).", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()
err = Console(stderr=True)


@contextmanager
def progress_bar(description: str):  # type: ignore[no-untyped-def]
    """A Rich progress bar; yields a callback (done, total) that long-running work calls."""
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def _print_written(out: Path, counts: dict[str, int]) -> None:
    """What a command wrote: each file and its number of rows (Swedish thousands separator)."""
    table = Table(title=f"Skrivet till {out}")
    table.add_column("fil")
    table.add_column("rader", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}".replace(",", " "))
    console.print(table)


def _fail(message: str) -> None:
    err.print(f"[bold red]Fel:[/] {message}")
    raise typer.Exit(code=1)


def _database_url() -> str:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings.effective_database_url


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Option(help="Målversion")] = "head") -> None:
    """Bygg eller uppgradera databasens schema."""
    from nara.core import migrate

    url = _database_url()
    migrate.upgrade(url, revision)
    console.print(f"Schemat är på version [bold]{migrate.current(url)}[/].")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Option(help="Målversion ('base' tömmer schemat)")] = "base") -> None:
    """Backa schemat till en tidigare version."""
    from nara.core import migrate

    url = _database_url()
    migrate.downgrade(url, revision)
    console.print(f"Schemat är på version [bold]{migrate.current(url) or 'base'}[/].")


@db_app.command("current")
def db_current() -> None:
    """Visa schemats version."""
    from nara.core import migrate

    console.print(migrate.current(_database_url()) or "base")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Mapp att skriva Parquet-filerna i")],
    region: Annotated[str, typer.Option(help="Region: orebro eller sweden")] = "orebro",
    scale: Annotated[float, typer.Option(min=0.0001, max=10.0, help="Skala på befolkningen")] = 1.0,
    seed: Annotated[int, typer.Option(help="Slumpfrö; samma frö ger samma data")] = 1,
    year: Annotated[int, typer.Option(min=2000, max=2100, help="Året som vårdhändelserna gäller")] = 2025,
) -> None:
    """Skapa en syntetisk region (SYNTETISKA DATA — inga verkliga personer) som Parquet-filer."""
    from nara.synth.service import write_dataset

    try:
        with progress_bar(f"Syntetisk befolkning ({region}, skala {scale})") as update:
            counts = write_dataset(region, scale, seed, out, year=year, on_progress=update)
    except NaraError as exc:
        _fail(exc.message)
    _print_written(out, counts)


@app.command()
def indicators(
    data: Annotated[Path, typer.Option(help="Mapp med Parquet-filerna (docs/data-format.md)")],
    out: Annotated[Path, typer.Option(help="Fil att skriva rapporten till")],
    date_from: Annotated[str, typer.Option("--from", help="Första dag, ÅÅÅÅ-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="Sista dag, ÅÅÅÅ-MM-DD")],
    by: Annotated[str, typer.Option(help="Grupperingar, kommaseparerade: region, lansdel, kommun, vardcentral, "
                                         "kon, aldersgrupp, glesbygd, utsatt_omrade")] = "kommun",
    period: Annotated[str, typer.Option(help="month, quarter, year, rolling12, rolling18, rolling36 eller window")]
    = "month",
    fmt: Annotated[str, typer.Option("--format", help="json, csv, xlsx eller html")] = "json",
    backend: Annotated[str, typer.Option(help="duckdb (inbäddad), pyspark eller postgres")] = "duckdb",
    indicator: Annotated[list[str] | None, typer.Option(help="Bara dessa indikatorer (id, kan upprepas)")] = None,
    postgres_url: Annotated[str | None, typer.Option(help="PostgreSQL-adress för --backend postgres")] = None,
    postgres_schema: Annotated[str, typer.Option(help="Schema med tabellerna (laddas från --data)")]
    = "nara_indicators",
) -> None:
    """Beräkna indikatorerna i uppföljningsmodellen (T1–T3, K1–K5, S1–S4, P1–P5) och skriv en rapport."""
    import time
    from datetime import date

    from nara.core.i18n import t
    from nara.indicators.service import (
        IndicatorError,
        InputFormatError,
        ReportMeta,
        check_input,
        compute,
        load_postgres,
        write_report,
    )

    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError:
        _fail(t("indicators.cli.bad_date"))
    groupings = [g.strip() for g in by.split(",") if g.strip()]
    t0 = time.perf_counter()
    try:
        # The input is checked against the data format before anything is loaded, computed or written.
        check_input(data)
    except InputFormatError as exc:
        from rich.markup import escape

        err.print(f"[bold red]Fel:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=2) from None
    try:
        if backend == "postgres" and postgres_url:
            with progress_bar(f"Laddar {data} till PostgreSQL ({postgres_schema})") as update:
                load_postgres(data, postgres_url, postgres_schema, on_progress=update)
        with progress_bar(t("indicators.cli.progress", backend=backend)) as update:
            rows = compute(data, start, end, by=groupings, period=period, backend=backend, indicators=indicator,
                           on_progress=update, postgres_url=postgres_url, postgres_schema=postgres_schema,
                           check=False)
        write_report(rows, out, fmt, ReportMeta.for_data(data, start, end, period, groupings, backend))
    except IndicatorError as exc:
        _fail(str(exc))
    seconds = f"{time.perf_counter() - t0:.1f}".replace(".", ",")
    console.print(t("indicators.cli.written", rows=f"{len(rows):,}".replace(",", " "), out=out, seconds=seconds))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adress att lyssna på")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Starta webbservern mot den konfigurerade databasen (schemat måste vara uppgraderat)."""
    from nara.core import migrate

    url = _database_url()
    if migrate.current(url) is None:
        _fail("Databasen saknar schema. Kör först: nara db upgrade")
    _run_server(host, port)


def _run_server(host: str, port: int) -> None:
    import uvicorn

    from nara.app import create_app

    try:
        application = create_app()
    except NaraError as exc:
        _fail(exc.message)
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Adress att lyssna på")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    persons: Annotated[int, typer.Option(min=100, max=200_000, help="Ungefärligt antal syntetiska personer")] = 3000,
    seed: Annotated[int, typer.Option(help="Slumpfrö")] = 1,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Starta servern efteråt")] = True,
) -> None:
    """Skapa demodatabasen om den saknas, ladda ett syntetiskt Örebro län och starta servern."""
    from nara.auth.demo import create_demo_personas
    from nara.core import migrate
    from nara.core.clock import SystemClock
    from nara.core.db import Database
    from nara.synth.service import load_demo

    settings = get_settings()
    if settings.environment == "production":
        _fail("Demot kan inte köras i produktionsläge.")
    url = _database_url()
    migrate.upgrade(url)
    db = Database(url)
    clock = SystemClock()
    with progress_bar("Laddar syntetiskt Örebro län") as update:
        loaded = load_demo(db, region="orebro", persons=persons, seed=seed, clock=clock, on_progress=update)
    logins = create_demo_personas(db, clock)
    from nara.plans.demo import create_demo_plan

    create_demo_plan(db, clock)  # a synthetic person's Patientkontrakt; Tolvan's is left for people to make
    from nara.plans.demo import create_demo_sip

    create_demo_sip(db, clock)  # the same person's SIP in the plan phase, with a meeting held and one approval
    from nara.discharge.demo import create_demo_discharge

    process_id = create_demo_discharge(db, clock)  # a synthetic person's discharge; Tolvan's is left to people
    from nara.measurements.demo import create_demo_measurements

    create_demo_measurements(db, clock)  # Tolvan's blood-pressure target and two weeks of his values
    from nara.medicines.demo import create_demo_medicines

    create_demo_medicines(db, clock)  # synthetic medication lists for Tolvan and the demo plan's person
    from nara.messaging.demo import create_demo_messages

    create_demo_messages(db, clock, process_id)  # Tolvan's answered question; the ward's and hemsjukvård's thread
    db.dispose()
    if loaded:
        console.print(f"Laddade {loaded:,} syntetiska personer.".replace(",", " "))
    else:
        console.print("Demodatabasen fanns redan; inget laddades om.")
    from nara.dashboard.service import prepare_demo

    prepare_demo(settings.data_dir, progress_bar, console.print)  # the leaders' dashboard: data + results, cached

    table = Table(title="Demoinloggningar (SYNTETISKA DATA)")
    for col in ("användarnamn", "lösenord", "vem"):
        table.add_column(col)
    for login in logins:
        table.add_row(login.username, login.password, login.who)
    console.print(table)
    if serve_after:
        console.print(f"Nära körs på [bold]http://{host}:{port}/[/]  (Ctrl+C avslutar)")
        sys.stdout.flush()
        _run_server(host, port)


audit_app = typer.Typer(help="Åtkomstloggen (loggning enligt HSLF-FS 2016:40).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    as_json: Annotated[bool, typer.Option("--json", help="Skriv rapporten som JSON (för program)")] = False,
    from_checkpoint: Annotated[bool, typer.Option(
        "--from-checkpoint", help="Kontrollera bara från senaste signerade kontrollpunkten (snabbt)")] = False,
    public_key: Annotated[Path | None, typer.Option(
        help="Nyckel att kontrollera signaturerna med (publik eller privat; annars NARA_AUDIT_SIGNING_KEY)")] = None,
) -> None:
    """Kontrollera loggkedjan mot de signerade kontrollpunkterna: pekar ut första post som ändrats, tagits bort
    eller lagts in i efterhand, en tömd logg, ett bortklippt slut, ett tillbakaflyttat huvud och en omräknad kedja."""
    import json

    from sqlalchemy.exc import DBAPIError

    from nara.audit import service as checkpoint_store
    from nara.audit.service import verify_with_checkpoints
    from nara.core import migrate
    from nara.core.db import Database
    from nara.core.i18n import t

    settings = get_settings()
    url = _database_url()
    if migrate.current(url) is None:
        _fail("Databasen saknar schema. Kör först: nara db upgrade")
    path = checkpoint_store.checkpoint_path(settings)
    try:
        key = checkpoint_store.load_public_key(public_key or checkpoint_store.signing_key_path(settings))
    except NaraError as exc:
        if path.exists() or public_key is not None:
            _fail(exc.message)  # there are checkpoints, but nothing to check their signatures with
        key = None
    db = Database(url)
    try:
        if key is None:  # no key and no checkpoints yet: the chain alone
            from nara.audit.service import AnchoredReport, verify_chain

            report = AnchoredReport.chain_only(verify_chain(db))
        elif as_json:
            report = verify_with_checkpoints(db, key, path, from_checkpoint=from_checkpoint)
        else:
            label = t("audit.checkpoint.progress_from" if from_checkpoint else "audit.verify.progress")
            with progress_bar(label) as update:
                report = verify_with_checkpoints(db, key, path, from_checkpoint=from_checkpoint, on_progress=update)
    except DBAPIError:
        _fail("Loggen kunde inte läsas. Är schemat uppgraderat (nara db upgrade)?")
    except NaraError as exc:
        _fail(exc.message)
    finally:
        db.dispose()
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
        if not report.ok:
            raise typer.Exit(code=1)
    elif report.ok:
        console.print(report.message(), markup=False)
    else:
        _fail(report.message())


@audit_app.command("checkpoint")
def audit_checkpoint(
    as_json: Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON (för program)")] = False,
) -> None:
    """Skriv en signerad kontrollpunkt av loggkedjans huvud till kontrollpunktsfilen, om loggen vuxit (kör t.ex. från
    cron). Loggen kontrolleras först; en logg som inte håller signeras inte."""
    import json

    from nara.audit.service import write_checkpoint_for
    from nara.core import migrate
    from nara.core.clock import SystemClock
    from nara.core.db import Database

    url = _database_url()
    if migrate.current(url) is None:
        _fail("Databasen saknar schema. Kör först: nara db upgrade")
    db = Database(url)
    try:
        written = write_checkpoint_for(db, get_settings(), SystemClock())
    except NaraError as exc:
        _fail(exc.message)
    finally:
        db.dispose()
    if as_json:
        print(json.dumps(written.to_dict(), ensure_ascii=False))
    else:
        console.print(written.message(), markup=False)


@audit_app.command("keygen")
def audit_keygen(
    out: Annotated[Path | None, typer.Option(
        help="Fil att skriva den privata nyckeln till (annars NARA_AUDIT_SIGNING_KEY)")] = None,
) -> None:
    """Skapa en Ed25519-nyckel som signerar loggens kontrollpunkter (och dess publika nyckel bredvid, .pub).
    Förvara den där databasens administratörer inte kommer åt den. En befintlig nyckel skrivs aldrig över."""
    from nara.audit import service as checkpoint_store
    from nara.audit.model import key_id
    from nara.core.i18n import t

    path = out or checkpoint_store.signing_key_path(get_settings())
    try:
        key = checkpoint_store.create_key_file(path)
    except NaraError as exc:
        _fail(exc.message)
    console.print(t("audit.key.created", path=path, key_id=key_id(key.public_key()),
                    public=checkpoint_store.public_key_path(path)), markup=False)


discharge_app = typer.Typer(help="Utskrivning enligt lag (2017:612).", no_args_is_help=True)
app.add_typer(discharge_app, name="discharge")


@discharge_app.command("export-followup")
def discharge_export_followup(
    date_from: Annotated[str, typer.Option("--from", help="Första dag, ÅÅÅÅ-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="Sista dag, ÅÅÅÅ-MM-DD")],
    out: Annotated[Path, typer.Option(help="Mapp att skriva Parquet-filerna i")],
) -> None:
    """Skriv plattformens utskrivningar (avslutade under perioden) som underlag för S2–S4
    (docs/discharge-followup.md)."""
    from datetime import date

    from nara.core import migrate
    from nara.core.db import Database
    from nara.core.i18n import t
    from nara.discharge.service import write_followup

    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError:
        start = end = None
    if start is None or end is None or end < start:
        _fail(t("discharge.followup.bad_dates"))
    url = _database_url()
    if migrate.current(url) is None:
        _fail("Databasen saknar schema. Kör först: nara db upgrade")
    db = Database(url)
    try:
        with progress_bar("Utskrivningar för uppföljning") as update:
            counts = write_followup(db, start, end, out, on_progress=update)
    finally:
        db.dispose()
    _print_written(out, counts)


@discharge_app.command("sweep")
def discharge_sweep() -> None:
    """Meddela en gång om försenade steg och meddelanden utan kvittens (kör t.ex. var femte minut)."""
    from nara.core.clock import SystemClock
    from nara.core.db import Database
    from nara.discharge.service import Outlets, sweep_escalations
    from nara.live.service import Broker

    db = Database(_database_url())
    try:
        with db.transaction() as s:  # on PostgreSQL the announcements reach the servers' open lists (NOTIFY)
            sent = sweep_escalations(s, SystemClock(), outlets=Outlets(broker=Broker(db)))
    finally:
        db.dispose()
    console.print(f"{sent} meddelanden om eskalering.")


outreach_app = typer.Typer(help="Aviseringar via e-post och sms (utkorgen).", no_args_is_help=True)
app.add_typer(outreach_app, name="outreach")


def _outreach_db():  # type: ignore[no-untyped-def]
    from nara.core import migrate
    from nara.core.db import Database

    url = _database_url()
    if migrate.current(url) is None:
        _fail("Databasen saknar schema. Kör först: nara db upgrade")
    return Database(url)


@outreach_app.command("send")
def outreach_send() -> None:
    """Skicka de aviseringar som står på tur en gång (t.ex. från cron när servern inte skickar själv)."""
    from nara.core.clock import SystemClock
    from nara.outreach.service import Outreach, send_due

    db = _outreach_db()
    try:
        result = send_due(db, SystemClock(), Outreach.from_settings(get_settings()))
    finally:
        db.dispose()
    console.print(result.message(), markup=False)


@outreach_app.command("status")
def outreach_status() -> None:
    """Visa utkorgen: antal per status och kanal, och de utskick som misslyckats (de ligger kvar)."""
    from nara.core.clock import local_minute
    from nara.core.i18n import t
    from nara.outreach.service import outbox_status

    db = _outreach_db()
    try:
        status = outbox_status(db)
    finally:
        db.dispose()
    table = Table(title=t("outreach.cli.status_title"))
    for column in ("status", "kanal", "antal"):
        table.add_column(column, justify="right" if column == "antal" else "left")
    for (state, channel), n in sorted(status.counts.items()):
        table.add_row(t(f"outreach.status.{state}"), t(f"outreach.channel.{channel}"), str(n))
    console.print(table)
    if status.failed:
        failed = Table(title=t("outreach.cli.failed_title"))
        for column in ("nr", "kanal", "försök", "skapad", "senaste fel"):
            failed.add_column(column)
        for row in status.failed:
            failed.add_row(str(row.id), t(f"outreach.channel.{row.channel}"), str(row.attempts),
                           local_minute(row.created_at), row.last_error or "")
        console.print(failed)


@outreach_app.command("retry")
def outreach_retry() -> None:
    """Lägg alla misslyckade utskick i kö igen (när felet är åtgärdat)."""
    from nara.core.clock import SystemClock
    from nara.core.i18n import t
    from nara.outreach.service import requeue_failed

    db = _outreach_db()
    try:
        count = requeue_failed(db, SystemClock())
    finally:
        db.dispose()
    console.print(t("outreach.cli.requeued", count=count), markup=False)


if __name__ == "__main__":
    app()
