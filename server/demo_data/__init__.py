"""Demo-only sample content shipped with the project."""
