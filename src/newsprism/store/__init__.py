"""Storage: articles in SQLite (default) or PostgreSQL, schema managed by Alembic migrations."""

from newsprism.store.database import DEFAULT_DB_URL, IngestReport, Store, StoredStory, open_store

__all__ = ["DEFAULT_DB_URL", "IngestReport", "Store", "StoredStory", "open_store"]
