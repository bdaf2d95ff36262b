"""Checking the data: every rule, every diagnostic, the photos and scans, the corrections of published records."""
