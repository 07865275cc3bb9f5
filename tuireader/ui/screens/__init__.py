"""Screens of the reader: the main three-pane screen, help and small dialogs."""
