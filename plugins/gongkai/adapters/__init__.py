"""The doors in: the MkDocs plugin, the command line, and the tools a clerk runs on a file."""
