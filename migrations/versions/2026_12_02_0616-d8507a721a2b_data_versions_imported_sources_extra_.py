"""data versions, imported sources, extra columns, undated models

Revision ID: d8507a721a2b
Revises: e41377651700
Create Date: 2026-12-02 06:16:41.643768+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d8507a721a2b"
down_revision: str | None = "e41377651700"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "data_version_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("previous_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("diff", sa.Text(), nullable=False),
        sa.Column("snapshot_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("snapshot", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version_record")),
    )
    with op.batch_alter_table("data_version_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_version_record_data_version"), ["data_version"], unique=False
        )

    op.create_table(
        "ml_model_extra",
        sa.Column("ml_model_id", sa.Integer(), nullable=False),
        sa.Column("source_column", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ml_model_id"],
            ["ml_model.id"],
            name=op.f("fk_ml_model_extra_ml_model_id_ml_model"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ml_model_id", "source_column", name=op.f("pk_ml_model_extra")),
    )
    with op.batch_alter_table("data_source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )

    with op.batch_alter_table("ml_model", schema=None) as batch_op:
        batch_op.alter_column("publication_date", existing_type=sa.DATE(), nullable=True)


def downgrade() -> None:
    """Revert this revision."""
    # Undated models cannot stay in a NOT NULL column: they go (a later seed or import
    # loads them again once the schema allows it).
    op.execute("DELETE FROM ml_model WHERE publication_date IS NULL")
    with op.batch_alter_table("ml_model", schema=None) as batch_op:
        batch_op.alter_column("publication_date", existing_type=sa.DATE(), nullable=False)

    with op.batch_alter_table("data_source", schema=None) as batch_op:
        batch_op.drop_column("source_url")
        batch_op.drop_column("imported_at")

    op.drop_table("ml_model_extra")
    with op.batch_alter_table("data_version_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_version_record_data_version"))

    op.drop_table("data_version_record")
