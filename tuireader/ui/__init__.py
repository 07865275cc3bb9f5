"""The Textual user interface of tuireader (``tuireader.ui.app.run``)."""
