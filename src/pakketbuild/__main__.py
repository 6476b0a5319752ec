"""Allow ``python -m pakketbuild``."""

import sys

from pakketbuild.cli import main

sys.exit(main())
