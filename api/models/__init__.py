"""SQLModel table classes (table=True only). Importing this package registers every table."""

from api.models.base import metadata
from api.models.data_source import DataRelease, DataSource
from api.models.milestone import (
    Era,
    EraReference,
    Milestone,
    MilestoneFact,
    MilestoneModel,
    MilestoneOrganization,
    MilestonePerson,
    MilestoneReference,
    MilestoneTag,
)
from api.models.ml_model import MLModel, MLModelUnparsedValue
from api.models.vocabulary import (
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
    "MilestoneFact",
    "MilestoneModel",
    "MilestoneOrganization",
    "MilestonePerson",
    "MilestoneReference",
    "MilestoneTag",
    "MultiValuedField",
    "NotabilityCriterion",
    "Organization",
    "OrganizationCategory",
    "Task",
    "TermBase",
    "TrainingHardware",
    "metadata",
]
