"""foi package."""
