"""``python -m tuireader`` is the ``tuireader`` command."""

import sys

from .cli import main

sys.exit(main())
