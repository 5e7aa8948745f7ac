"""Task files: YAML → validated, frozen task and group configs, and the index that finds them."""
