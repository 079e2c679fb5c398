"""Simulated receivers and boards; talks to the server only through HTTP and MQTT."""
