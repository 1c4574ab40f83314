"""Command groups of the `bedigital` command line.

Each module here defines `register(commands)`, which adds its sub-commands to the parser;
the command line discovers the modules, so a new command is a new module.
"""
