"""Figures: a village's, a township's and a county's, and the 督查 of what is late."""
