"""Results files: results.json, per-example samples, XTREME-layout predictions, group scores."""
