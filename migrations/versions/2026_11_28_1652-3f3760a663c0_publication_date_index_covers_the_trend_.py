"""The publication date index also covers the trend metrics (index-only trend series)

Revision ID: 3f3760a663c0
Revises: ff4459a4b5fa
Create Date: 2026-11-28 16:52:22.651915+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3f3760a663c0"
down_revision: str | None = "ff4459a4b5fa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("ml_model", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ml_model_publication_date_id"))
        batch_op.create_index(
            "ix_ml_model_publication_date_id_metrics",
            [
                "publication_date",
                "id",
                "parameters",
                "training_compute_flop",
                "training_dataset_size",
            ],
            unique=False,
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("ml_model", schema=None) as batch_op:
        batch_op.drop_index("ix_ml_model_publication_date_id_metrics")
        batch_op.create_index(
            batch_op.f("ix_ml_model_publication_date_id"), ["publication_date", "id"], unique=False
        )
