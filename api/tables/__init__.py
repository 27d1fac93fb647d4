"""SQLModel table classes (table=True only). Importing this package registers every table."""

from api.tables.base import metadata
from api.tables.data_source import DataRelease, DataSource
from api.tables.milestone import (
    MAX_ERA_SLUG_LENGTH,
    MAX_MILESTONE_SLUG_LENGTH,
    MILESTONE_CATEGORIES,
    Era,
    EraReference,
    Milestone,
    MilestoneCategory,
    MilestoneFact,
    MilestoneModel,
    MilestoneOrganization,
    MilestonePerson,
    MilestoneReference,
    MilestoneTag,
)
from api.tables.ml_model import MAX_SLUG_LENGTH, MLModel, MLModelUnparsedValue, ModelAlias
from api.tables.search import SearchDocument
from api.tables.selection import (
    MAX_SELECTION_SLUG_LENGTH,
    ModelSelection,
    ModelSelectionMember,
    SelectionSlug,
)
from api.tables.vocabulary import (
    MULTI_VALUED_BY_FIELD,
    MULTI_VALUED_FIELDS,
    Country,
    Domain,
    MultiValuedField,
    NotabilityCriterion,
    Organization,
    OrganizationCategory,
    Task,
    TermBase,
    TrainingHardware,
)

__all__ = [
    "MAX_ERA_SLUG_LENGTH",
    "MAX_MILESTONE_SLUG_LENGTH",
    "MAX_SELECTION_SLUG_LENGTH",
    "MAX_SLUG_LENGTH",
    "MILESTONE_CATEGORIES",
    "MULTI_VALUED_BY_FIELD",
    "MULTI_VALUED_FIELDS",
    "Country",
    "DataRelease",
    "DataSource",
    "Domain",
    "Era",
    "EraReference",
    "MLModel",
    "MLModelUnparsedValue",
    "Milestone",
    "MilestoneCategory",
    "MilestoneFact",
    "MilestoneModel",
    "MilestoneOrganization",
    "MilestonePerson",
    "MilestoneReference",
    "MilestoneTag",
    "ModelAlias",
    "ModelSelection",
    "ModelSelectionMember",
    "MultiValuedField",
    "NotabilityCriterion",
    "Organization",
    "OrganizationCategory",
    "SearchDocument",
    "SelectionSlug",
    "Task",
    "TermBase",
    "TrainingHardware",
    "metadata",
]
