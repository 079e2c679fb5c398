"""Vietnamese speech: text normalization, TTS engines, mastering, content-addressed audio cache."""
