"""Slots, programme templates, packing and manifest compilation: pure functions over plain data."""
