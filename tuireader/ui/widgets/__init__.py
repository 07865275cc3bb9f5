"""Widgets of the reader.  They show plain data handed to them and post messages; they never open the library."""
