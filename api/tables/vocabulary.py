"""Multi-valued model attributes: one term table and one ordered link table each.

The source packs several values into one cell ("Industry,Academia"). Each value is
a row of a term table; the link table keeps the cell's order (``position``), and
repeats too: Country and Organization categorization hold one entry per
organization, so "China,China" is two links.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, Table
from sqlmodel import Field, SQLModel


class TermBase(SQLModel):
    """A named value of a multi-valued attribute."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=300)
    slug: str = Field(unique=True, max_length=300)


class Organization(TermBase, table=True):
    """An organization that developed models."""

    __tablename__ = "organization"


class Domain(TermBase, table=True):
    """A field of application (Language, Vision...)."""

    __tablename__ = "domain"


class Country(TermBase, table=True):
    """A country of a developing organization."""

    __tablename__ = "country"


class OrganizationCategory(TermBase, table=True):
    """A kind of organization (Industry, Academia...)."""

    __tablename__ = "organization_category"


class Task(TermBase, table=True):
    """A task a model performs."""

    __tablename__ = "task"


class NotabilityCriterion(TermBase, table=True):
    """Why Epoch AI counts a model as notable."""

    __tablename__ = "notability_criterion"


class TrainingHardware(TermBase, table=True):
    """Accelerator hardware used for training."""

    __tablename__ = "training_hardware"


def _link_table(name: str, term_table: str) -> Table:
    return Table(
        name,
        SQLModel.metadata,
        Column(
            "ml_model_id",
            Integer,
            ForeignKey("ml_model.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("position", Integer, nullable=False),
        Column(
            "term_id", Integer, ForeignKey(f"{term_table}.id", ondelete="CASCADE"), nullable=False
        ),
        PrimaryKeyConstraint("ml_model_id", "position"),
        Index(f"ix_{name}_term_id_ml_model_id", "term_id", "ml_model_id"),
    )


@dataclass(frozen=True)
class MultiValuedField:
    """A multi-valued attribute: its API field and description, term table and link table."""

    field: str
    description: str
    term: type[TermBase]
    link: Table


MULTI_VALUED_FIELDS: tuple[MultiValuedField, ...] = (
    MultiValuedField(
        "organizations",
        "Developing organizations, in source order.",
        Organization,
        _link_table("ml_model_organization", "organization"),
    ),
    MultiValuedField(
        "countries",
        "Country of each organization, in source order; repeats when organizations share one.",
        Country,
        _link_table("ml_model_country", "country"),
    ),
    MultiValuedField(
        "organization_categories",
        "Category of each organization (Industry, Academia, ...), in source order.",
        OrganizationCategory,
        _link_table("ml_model_organization_category", "organization_category"),
    ),
    MultiValuedField(
        "domains",
        "Domains (Language, Vision, ...).",
        Domain,
        _link_table("ml_model_domain", "domain"),
    ),
    MultiValuedField(
        "tasks", "Tasks the model performs.", Task, _link_table("ml_model_task", "task")
    ),
    MultiValuedField(
        "notability_criteria",
        "Why Epoch AI counts the model as notable.",
        NotabilityCriterion,
        _link_table("ml_model_notability_criterion", "notability_criterion"),
    ),
    MultiValuedField(
        "training_hardware",
        "Accelerators used for training.",
        TrainingHardware,
        _link_table("ml_model_training_hardware", "training_hardware"),
    ),
)

MULTI_VALUED_BY_FIELD = {m.field: m for m in MULTI_VALUED_FIELDS}
