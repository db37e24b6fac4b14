"""`python -m stint`."""

import sys

from stint.entry import main

sys.exit(main())
