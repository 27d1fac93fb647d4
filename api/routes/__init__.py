"""One APIRouter per resource: thin, they shape input and output."""
