"""Response and query models: what the API promises to clients."""
