"""Demo data: simulated authorities and their replies, and generated replies in real styles."""
