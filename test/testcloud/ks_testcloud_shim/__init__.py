"""Test-only Octavia plug-ins for the kuryr-services test cloud (see compute.py)."""
