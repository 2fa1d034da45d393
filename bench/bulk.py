"""Bulk loading: PostgreSQL COPY through psycopg 3, SQLite multi-row Core inserts."""
import time

from sqlalchemy import Column, MetaData, Table, inspect, text

from forum.models import Base

SQLITE_BATCH = 2000


class BulkWriter:
    """Streams rows into the forum's tables inside one connection's transaction."""

    def __init__(self, connection):
        self.connection = connection
        self.dialect = connection.dialect.name
        self.rows_written = {}
        self.seconds = {}
        self.checks_deferred = self._skip_row_checks()

    def _skip_row_checks(self):
        """On PostgreSQL as superuser, skip per-row foreign-key triggers for this transaction.

        What pg_restore --disable-triggers does: the generator builds consistent rows (the test
        suite loads them with every check on), and the checks cost ~10x the COPY itself.
        """
        if self.dialect != "postgresql":
            return False
        if not self.connection.execute(text(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
            return False
        self.connection.execute(text("SET LOCAL session_replication_role = replica"))
        return True

    def write(self, table_name, columns, rows):
        """Insert an iterable of tuples (in `columns` order) into table_name; returns the count."""
        started = time.perf_counter()
        if self.dialect == "postgresql":
            count = self._copy(table_name, columns, rows)
        else:
            count = self._insert(table_name, columns, rows)
        self.rows_written[table_name] = self.rows_written.get(table_name, 0) + count
        self.seconds[table_name] = self.seconds.get(table_name, 0) + time.perf_counter() - started
        return count

    def _copy(self, table_name, columns, rows):
        """COPY ... FROM STDIN: the fastest way to load PostgreSQL from Python."""
        cursor = self.connection.connection.driver_connection.cursor()
        count = 0
        with cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def _insert(self, table_name, columns, rows):
        """Core insert with many rows per executemany batch.

        Only the given columns, with the model's types (UTC timestamps) but without its
        Python-side defaults, so loading works at an older schema revision too.
        """
        model = Base.metadata.tables[table_name]
        table = Table(table_name, MetaData(), *[Column(name, model.c[name].type)
                                                 for name in columns])
        statement = table.insert()
        batch, count = [], 0
        for row in rows:
            batch.append(dict(zip(columns, row)))
            if len(batch) >= SQLITE_BATCH:
                self.connection.execute(statement, batch)
                count += len(batch)
                batch = []
        if batch:
            self.connection.execute(statement, batch)
            count += len(batch)
        return count

    def refresh_rating_total(self):
        """Set the site's rating total from the ratings, when the schema has it: its trigger
        does not fire under the skipped row checks (a load below migration 0004 gets it there)."""
        if not inspect(self.connection).has_table("forum_rating_total"):
            return
        self.connection.execute(text(
            "UPDATE forum_rating_total SET rating_count = (SELECT count(*) FROM forum_rating), "
            "rating_sum = (SELECT coalesce(sum(stars), 0) FROM forum_rating) WHERE id = 1"))

    def reset_sequences(self, table_names):
        """After explicit ids on PostgreSQL, move each id sequence past the largest id."""
        if self.dialect != "postgresql":
            return
        for name in table_names:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"))
