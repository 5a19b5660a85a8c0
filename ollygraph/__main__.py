import sys

from ollygraph.cli import main

sys.exit(main())
