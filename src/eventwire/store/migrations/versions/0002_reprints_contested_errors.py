"""Reprinted wire stories, contested facts, why-merged reasons and the ingest-errors table.

- articles.body_hash: the hash of the normalised text alone (without the outlet), so that the same wire
  story reprinted by several outlets counts as one source; back-filled from the stored text.
- events.actors (every actor name, for filtering), events.contested (where outlets disagree) and
  events.signature (the content words of the event's evidence, for text similarity while merging).
- event_reports.reasons: why a report was merged into its event.
- ingest_errors: what failed, at which stage, why and when.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from eventwire.store.hashing import body_hash

    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("body_hash", sa.String(64), nullable=True))
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                        sa.column("body_hash", sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(articles.c.id, articles.c.text)).all()
    for row_id, text in rows:
        conn.execute(articles.update().where(articles.c.id == row_id).values(body_hash=body_hash(text)))
    with op.batch_alter_table("articles") as batch:
        batch.alter_column("body_hash", existing_type=sa.String(64), nullable=False)
        batch.create_index("ix_articles_body_hash", ["body_hash"])

    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("actors", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("contested", sa.JSON, nullable=True))
        batch.add_column(sa.Column("signature", sa.JSON, nullable=True))
    with op.batch_alter_table("event_reports") as batch:
        batch.add_column(sa.Column("reasons", sa.JSON, nullable=True))

    op.create_table(
        "ingest_errors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record", sa.String(1024), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ingest_errors_record", "ingest_errors", ["record"])


def downgrade() -> None:
    op.drop_table("ingest_errors")
    with op.batch_alter_table("event_reports") as batch:
        batch.drop_column("reasons")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("signature")
        batch.drop_column("contested")
        batch.drop_column("actors")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_body_hash")
        batch.drop_column("body_hash")
