"""Partner submissions, files, validation, drafts, customers and compliance."""
