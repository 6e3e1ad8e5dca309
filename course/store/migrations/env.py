"""Alembic environment: run migrations on the connection course.store.db hands over."""

from alembic import context
from sqlalchemy import Connection

from course.store.schema import metadata


def run_migrations(connection: Connection) -> None:
    """Run the pending migrations inside the caller's transaction."""
    # render_as_batch: new migrations then alter tables in a way SQLite also supports.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_from_command_line() -> None:
    """Run when invoked by the alembic CLI, on COURSE_DATABASE_URL or sqlalchemy.url."""
    from course.store.db import make_engine, write

    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with write(engine) as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run them on a database")
handed_over = context.config.attributes.get("connection")
if handed_over is None:
    run_from_command_line()
else:
    run_migrations(handed_over)
