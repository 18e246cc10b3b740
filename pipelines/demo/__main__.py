"""``python -m pipelines.demo LANDING_DIR [--projects N --people N --months N]``."""

from pipelines.demo.generator import main

main()
